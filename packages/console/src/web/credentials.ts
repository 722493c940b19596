/// <reference lib="dom" />
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { del, get, post, seg } from "./api.js";
import { ConfirmButton } from "./confirm.js";
import { canAdmin, ErrorLines, orgPath, Status, useAction, useLoad, when, onValue } from "./ui.js";

interface Credential {
  id: string;
  name: string;
  access: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const ACCESS = ["subscribe", "publish", "consume"] as const;

/** Offers a text as a file download, once, from memory. */
function download(name: string, text: string) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** NATS credentials of the org's third parties: create (the .creds file downloaded once), list, revoke. */
export function Credentials() {
  const list = useLoad(() => get<{ natsCredentials: Credential[] }>(orgPath("/nats-credentials")));
  const [name, setName] = useState("");
  const [access, setAccess] = useState<ReadonlySet<string>>(new Set(["subscribe"]));
  const action = useAction();
  if (!canAdmin())
    return html`<h1>NATS credentials</h1>
      <p class="readonly-note">Only an org-admin key manages NATS credentials.</p>`;
  const create = () =>
    action.run(async () => {
      const made = await post<{ id: string; creds: string }>(orgPath("/nats-credentials"), {
        name,
        access: [...access],
      });
      download(`${made.id}.creds`, made.creds);
      list.reload();
      return `created ${made.id}; its .creds file was downloaded and is not shown again`;
    });
  const revoke = (id: string) =>
    action.run(
      async () => (await del(orgPath(`/nats-credentials/${seg(id)}`)), list.reload(), `revoked ${id}`),
    );
  return html`<h1>NATS credentials</h1>
    <section class="panel" aria-labelledby="new-credential">
      <h2 id="new-credential">New credential</h2>
      <label for="credential-name">Name</label
      ><input id="credential-name" value=${name} onInput=${onValue(setName)} />
      <fieldset>
        <legend>Access</legend>
        ${ACCESS.map(
          (a) =>
            html`<label
              ><input
                type="checkbox"
                checked=${access.has(a)}
                onChange=${() => {
                  const next = new Set(access);
                  if (!next.delete(a)) next.add(a);
                  setAccess(next);
                }}
              />
              ${a}</label
            >`,
        )}
      </fieldset>
      <button class="primary" disabled=${action.busy || name === "" || access.size === 0} onClick=${create}>
        Create and download
      </button>
    </section>
    <${Status} status=${action.status} />
    <${ErrorLines} error=${list.error} />
    <table>
      <caption class="visually-hidden">
        NATS credentials
      </caption>
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Name</th>
          <th scope="col">Access</th>
          <th scope="col">Created</th>
          <th scope="col">Revoked</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${(list.data?.natsCredentials ?? []).map(
          (c) =>
            html`<tr data-credential=${c.id}>
              <td>${c.id}</td>
              <td>${c.name}</td>
              <td>${c.access.join(", ")}</td>
              <td>${when(c.createdAt)}</td>
              <td>${c.revokedAt === null ? "—" : `revoked ${when(c.revokedAt)}`}</td>
              <td>
                ${
                  c.revokedAt === null
                    ? html`<${ConfirmButton}
                        label=${`Revoke ${c.id}`}
                        question=${`Whoever holds the .creds file of "${c.name}" is disconnected now and can never connect with it again.`}
                        confirm="Revoke"
                        disabled=${action.busy}
                        onConfirm=${() => revoke(c.id)}
                      />`
                    : null
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

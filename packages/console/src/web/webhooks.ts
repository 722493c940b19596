/// <reference lib="dom" />
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { get, patch, post, seg } from "./api.js";
import {
  canEdit,
  ErrorLines,
  JsonBlock,
  orgPath,
  ReadOnlyNote,
  Status,
  useAction,
  useLoad,
  when,
  onValue,
  session,
} from "./ui.js";

interface Webhook {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  filter: unknown;
  mapping: unknown;
  enabled: boolean;
  disabledReason: string | null;
}
interface Attempt {
  id: number;
  messageId: string;
  eventType: string;
  attempt: number;
  kind: string;
  outcome: string;
  status: number | null;
  durationMs: number;
  error: string | null;
  createdAt: string;
}

const optionalJson = (text: string): unknown => (text.trim() === "" ? null : (JSON.parse(text) as unknown));

/** A formSubmitted event of the signed-in org, valid against its schema, to try a mapping on. */
const sampleEvent = () => ({
  messageId: "0b9c6f4e-5a7b-4c1d-9e2f-3a4b5c6d7e8f",
  occurredAt: "2026-01-01T00:00:00.000Z",
  messageType: `switchboard.${session.org ?? "org"}.formSubmitted`,
  orgId: session.org ?? "org",
  requestedBy: "15eba04e-0e95-4d03-916e-e6cd9807006b",
  traceId: "0b9c6f4e-5a7b-4c1d-9e2f-3a4b5c6d7e8f",
  branch: "master",
  info: {
    planId: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
    formName: "Referral",
    formAssignmentId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    data: { patientName: "Ada" },
    isTest: false,
  },
});

/** What a replay did: the bridge answers how many messages it found to deliver again. */
const replayed = (messageId: string, answer: { replayed: number }) =>
  answer.replayed === 0
    ? `no message ${messageId} to replay for this webhook`
    : `replaying ${messageId}: ${answer.replayed} message(s) queued for delivery`;

export function Webhooks(props: { id?: string }) {
  const list = useLoad(() => get<{ webhooks: Webhook[] }>(orgPath("/webhooks")));
  if (props.id !== undefined) {
    const hook = list.data?.webhooks.find((w) => w.id === props.id);
    return hook === undefined
      ? html`<${ErrorLines} error=${list.error} />`
      : html`<${WebhookDetail} hook=${hook} onChanged=${list.reload} />`;
  }
  return html`<h1>Webhooks</h1>
    <${ReadOnlyNote} />
    <${ErrorLines} error=${list.error} />
    <table>
      <caption class="visually-hidden">
        Webhook subscriptions
      </caption>
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">Event types</th>
          <th scope="col">Enabled</th>
        </tr>
      </thead>
      <tbody>
        ${(list.data?.webhooks ?? []).map(
          (w) =>
            html`<tr>
              <td><a href=${`#/webhooks/${encodeURIComponent(w.id)}`}>${w.url}</a></td>
              <td>${w.eventTypes.join(", ")}</td>
              <td>${w.enabled ? "yes" : `no${w.disabledReason === null ? "" : ` (${w.disabledReason})`}`}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${canEdit() ? html`<${WebhookForm} onSaved=${list.reload} />` : null}`;
}

/** Create a subscription, or change one's endpoint, types, filter and mapping. */
function WebhookForm(props: { hook?: Webhook; onSaved: () => void }) {
  const h = props.hook;
  const [url, setUrl] = useState(h?.url ?? "");
  const [types, setTypes] = useState(h?.eventTypes.join(", ") ?? "");
  const [filter, setFilter] = useState(h?.filter === null || h === undefined ? "" : JSON.stringify(h.filter));
  const [mapping, setMapping] = useState(
    h?.mapping === null || h === undefined ? "" : JSON.stringify(h.mapping, null, 1),
  );
  const action = useAction();
  const save = () =>
    action.run(async () => {
      const body = {
        url,
        eventTypes: types
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        filter: optionalJson(filter),
        mapping: optionalJson(mapping),
      };
      if (h === undefined) {
        const made = await post<{ id: string; secret: string }>(orgPath("/webhooks"), body);
        props.onSaved();
        return `created ${made.id}; its signing secret, shown this once: ${made.secret}`;
      }
      await patch(orgPath(`/webhooks/${seg(h.id)}`), body);
      props.onSaved();
      return "saved";
    });
  const idp = h === undefined ? "new" : "edit";
  return html`<section class="panel" aria-labelledby=${`${idp}-webhook-title`}>
    <h2 id=${`${idp}-webhook-title`}>
      ${h === undefined ? "Subscribe an endpoint" : "Change the subscription"}
    </h2>
    <label for=${`${idp}-url`}>Endpoint URL</label
    ><input id=${`${idp}-url`} size="60" value=${url} onInput=${onValue(setUrl)} />
    <label for=${`${idp}-types`}>Event types (comma-separated, * for all)</label
    ><input id=${`${idp}-types`} size="60" value=${types} onInput=${onValue(setTypes)} />
    <label for=${`${idp}-filter`}>Filter (JSON Logic, optional)</label
    ><textarea
      id=${`${idp}-filter`}
      rows="2"
      cols="60"
      value=${filter}
      onInput=${onValue(setFilter)}
    ></textarea>
    <label for=${`${idp}-mapping`}>Mapping (target field → JSON Logic, optional)</label
    ><textarea
      id=${`${idp}-mapping`}
      rows="4"
      cols="60"
      value=${mapping}
      onInput=${onValue(setMapping)}
    ></textarea>
    <div>
      <button class="primary" disabled=${action.busy} onClick=${save}>
        ${h === undefined ? "Subscribe" : "Save changes"}
      </button>
    </div>
    <${Status} status=${action.status} />
  </section>`;
}

function WebhookDetail(props: { hook: Webhook; onChanged: () => void }) {
  const hook = props.hook;
  const attempts = useLoad(
    () => get<{ attempts: Attempt[] }>(orgPath(`/webhooks/${seg(hook.id)}/deliveries`)),
    [hook.id],
  );
  const action = useAction();
  const [sample, setSample] = useState(() => JSON.stringify(sampleEvent(), null, 1));
  const [preview, setPreview] = useState<unknown>(undefined);
  const [replayId, setReplayId] = useState("");
  const base = `/webhooks/${seg(hook.id)}`;
  const act = (what: () => Promise<string>) =>
    action.run(async () => {
      const said = await what();
      attempts.reload();
      props.onChanged();
      return said;
    });
  return html`<h1>Webhook ${hook.id}</h1>
    <p><a href="#/webhooks">All webhooks</a></p>
    <p>${hook.url} · ${hook.eventTypes.join(", ")} · ${hook.enabled ? "enabled" : "disabled"}</p>
    ${
      canEdit()
        ? html`<div class="row">
              <button
                onClick=${() => act(async () => (await post(orgPath(`${base}/test`)), "test event sent"))}
              >
                Send a test event
              </button>
              <button
                onClick=${() => act(async () => `new signing secret, shown this once: ${(await post<{ secret: string }>(orgPath(`${base}/rotate-secret`))).secret}`)}
              >
                Rotate the secret
              </button>
              <button
                onClick=${() => act(async () => (await patch(orgPath(base), { enabled: !hook.enabled }), hook.enabled ? "disabled" : "enabled"))}
              >
                ${hook.enabled ? "Disable" : "Enable"}
              </button>
            </div>
            <div class="row">
              <div>
                <label for="replay-id">Message id to replay</label
                ><input id="replay-id" value=${replayId} onInput=${onValue(setReplayId)} />
              </div>
              <button
                disabled=${replayId === ""}
                onClick=${() => act(async () => replayed(replayId, await post<{ replayed: number }>(orgPath(`${base}/replay`), { messageId: replayId })))}
              >
                Replay
              </button>
            </div>`
        : html`<${ReadOnlyNote} />`
    }
    <${Status} status=${action.status} />
    <h2>Mapping preview</h2>
    <label for="mapping-sample">Sample event</label>
    <textarea id="mapping-sample" rows="8" cols="70" value=${sample} onInput=${onValue(setSample)}></textarea>
    <div>
      <button
        onClick=${() => action.run(async () => (setPreview(await post(orgPath(`${base}/test-mapping`), { event: JSON.parse(sample) as unknown })), undefined))}
      >
        Preview the mapping
      </button>
    </div>
    ${preview === undefined ? null : html`<${JsonBlock} label="mapping preview" value=${preview} />`}
    <h2>Delivery attempts</h2>
    <button onClick=${attempts.reload}>Refresh attempts</button>
    <${ErrorLines} error=${attempts.error} />
    <table>
      <caption class="visually-hidden">
        Delivery attempts, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Message</th>
          <th scope="col">Type</th>
          <th scope="col">Attempt</th>
          <th scope="col">Outcome</th>
          <th scope="col">HTTP</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        ${(attempts.data?.attempts ?? []).map(
          (a) =>
            html`<tr class="attempt">
              <td>${when(a.createdAt)}</td>
              <td>${a.messageId}</td>
              <td>${a.eventType}</td>
              <td>${a.attempt} (${a.kind})</td>
              <td class=${a.outcome === "delivered" ? "ok" : "error"}>${a.outcome}</td>
              <td>${a.status ?? "—"}</td>
              <td>${a.error ?? ""}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${canEdit() ? html`<${WebhookForm} hook=${hook} onSaved=${props.onChanged} />` : null}`;
}

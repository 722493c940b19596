/// <reference lib="dom" />
import { checkPayloadSchema } from "@switchboard/rules";
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { get, put, seg } from "./api.js";
import { JsonEditor } from "./editor.js";
import { lintJson, type Finding } from "./json-lint.js";
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
} from "./ui.js";

interface Definition {
  name: string;
  description: string;
  schema: object;
  dedup: unknown;
}
interface Sample {
  messageId: string;
  payload: unknown;
  valid: boolean;
  receivedAt: string;
}

const NEW_SCHEMA = `{
  "type": "object",
  "properties": {},
  "required": []
}`;

/**
 * The schema as it is typed, by the same check the server's compiler agrees with
 * (`checkPayloadSchema` of the rules package): syntax, the draft 2020-12 meta-schema, references,
 * strict mode. Each problem at its line.
 */
const lintSchema = (text: string): Finding[] =>
  lintJson(text, (value) => ({ errors: checkPayloadSchema(value) }));

export function InboundEvents() {
  const list = useLoad(() => get<{ inboundEvents: Definition[] }>(orgPath("/inbound-events")));
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  return html`<h1>Inbound events</h1>
    <${ReadOnlyNote} />
    <${Status}
      status=${saved === undefined ? undefined : { kind: "ok", lines: [`saved inbound event ${saved}`] }}
    />
    <${ErrorLines} error=${list.error} />
    <table>
      <caption class="visually-hidden">
        Declared inbound events
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Description</th>
          <th scope="col">Dedup</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${(list.data?.inboundEvents ?? []).map(
          (d) =>
            html`<tr>
              <td>${d.name}</td>
              <td>${d.description}</td>
              <td>${(d.dedup as { mode?: string } | undefined)?.mode ?? "id-or-payload"}</td>
              <td>
                <button onClick=${() => setSelected(d.name)}>${canEdit() ? "Edit" : "Show"} ${d.name}</button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${canEdit() ? html`<p><button onClick=${() => setSelected("")}>Declare an inbound event</button></p>` : null}
    ${
      selected === undefined
        ? null
        : html`<${DefinitionEditor}
            key=${selected}
            definition=${list.data?.inboundEvents.find((d) => d.name === selected)}
            onSaved=${(name: string) => (setSaved(name), setSelected(name), list.reload())}
          />`
    }`;
}

function DefinitionEditor(props: { definition?: Definition; onSaved: (name: string) => void }) {
  const d = props.definition;
  const [name, setName] = useState(d?.name ?? "");
  const [description, setDescription] = useState(d?.description ?? "");
  // The editor's document is the definition's schema; what is typed is kept apart. Handing the typed
  // text back as the document made the editor replace its text with an older keystroke's, which
  // changed the text again: typing quickly could set the two chasing each other forever.
  const [loaded] = useState(d === undefined ? NEW_SCHEMA : JSON.stringify(d.schema, null, 2));
  const [text, setText] = useState(loaded);
  const [findings, setFindings] = useState<Finding[]>([]);
  const action = useAction();
  const samples = useLoad(
    () =>
      d === undefined
        ? Promise.resolve({ samples: [] as Sample[] })
        : get<{ samples: Sample[] }>(orgPath(`/inbound-events/${seg(d.name)}/samples?limit=5`)),
    [d?.name],
  );
  const save = () =>
    action.run(async () => {
      await put(orgPath(`/inbound-events/${seg(name)}`), {
        description,
        schema: JSON.parse(text) as object,
        ...(d?.dedup === undefined ? {} : { dedup: d.dedup }),
      });
      props.onSaved(name);
      return undefined;
    });
  return html`<section class="panel" aria-labelledby="definition-title">
    <h2 id="definition-title">${d === undefined ? "Declare an inbound event" : `Inbound event ${d.name}`}</h2>
    <div class="row">
      <div>
        <label for="definition-name">Name</label>
        <input
          id="definition-name"
          value=${name}
          disabled=${d !== undefined || !canEdit()}
          onInput=${onValue(setName)}
          placeholder="scheduling.slotBooked"
        />
      </div>
      <div>
        <label for="definition-description">Description</label>
        <input
          id="definition-description"
          size="50"
          value=${description}
          disabled=${!canEdit()}
          onInput=${onValue(setDescription)}
        />
      </div>
    </div>
    <div class="label">Payload JSON Schema</div>
    <${JsonEditor}
      id="definition-schema"
      label="Payload JSON Schema"
      value=${loaded}
      readOnly=${!canEdit()}
      onChange=${setText}
      lint=${lintSchema}
      onFindings=${setFindings}
    />
    <ul class="problems" aria-label="Schema problems">
      ${findings.map((f) => html`<li class=${f.severity} data-line=${f.line}>Line ${f.line}: ${f.severity}: ${f.message}</li>`)}
    </ul>
    ${
      canEdit()
        ? html`<button
            class="primary"
            disabled=${action.busy || findings.length > 0 || name === ""}
            onClick=${save}
          >
            Save inbound event
          </button>`
        : null
    }
    <${Status} status=${action.status} />
    ${
      d === undefined
        ? null
        : html`<h3>Recent samples</h3>
            <${ErrorLines} error=${samples.error} />
            ${
              (samples.data?.samples ?? []).length === 0
                ? html`<p class="muted">No message received yet.</p>`
                : samples.data!.samples.map(
                    (s) =>
                      html`<div>
                        <span class=${s.valid ? "ok" : "error"}>${s.valid ? "valid" : "invalid"}</span> ${s.messageId} · ${when(s.receivedAt)}
                        <${JsonBlock} label=${`sample ${s.messageId}`} value=${s.payload} />
                      </div>`,
                  )
            }`
    }
  </section>`;
}

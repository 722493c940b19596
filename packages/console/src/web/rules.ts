/// <reference lib="dom" />
import { diffDocuments, type DocumentChange } from "@switchboard/rules";
import { html } from "htm/preact";
import { useMemo, useState } from "preact/hooks";
import { get, patch, post, put, seg } from "./api.js";
import { JsonEditor } from "./editor.js";
import { declaredPaths, lintRule, triggerSchemaOf, type Finding, type InboundSchemas } from "./rule-lint.js";
import {
  canEdit,
  ErrorLines,
  flashNext,
  JsonBlock,
  json,
  orgPath,
  ReadOnlyNote,
  Status,
  useAction,
  useLoad,
  when,
  onValue,
} from "./ui.js";

interface RuleSummary {
  ruleId: string;
  enabled: boolean;
  activeVersion: number | null;
  latestVersion: number;
  trigger: { kind: string; name: string };
  updatedAt: string;
}
interface RuleRun {
  ruleId: string;
  status: string;
  createdAt: string;
}
interface Versions {
  activeVersion: number | null;
  latestVersion: number;
  versions: { version: number; author: string; createdAt: string; active: boolean; changes: unknown[] }[];
}
interface DryRun {
  results: {
    messageId?: string;
    valid: boolean;
    matched: boolean;
    actions: { index: number; type: string; params: unknown }[];
    error?: string;
    errors?: unknown[];
  }[];
  warnings: { message: string }[];
}

const NEW_RULE = `{
  "id": "new-rule",
  "description": "",
  "on": { "inbound": "" },
  "when": true,
  "actions": []
}`;

export function Rules(props: { ruleId?: string }) {
  const rules = useLoad(() => get<{ rules: RuleSummary[] }>(orgPath("/rules")));
  const runs = useLoad(() => get<{ runs: RuleRun[] }>(orgPath("/rule-runs?limit=200")));
  const lastRun = (ruleId: string) => runs.data?.runs.find((r) => r.ruleId === ruleId);
  if (props.ruleId !== undefined)
    return html`<${RuleEditor} ruleId=${props.ruleId} onChanged=${rules.reload} />`;
  return html`<h1>Rules</h1>
    <${ReadOnlyNote} />
    <${ErrorLines} error=${rules.error} />
    <table>
      <caption class="visually-hidden">
        Rules
      </caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Trigger</th>
          <th scope="col">Active version</th>
          <th scope="col">Latest</th>
          <th scope="col">Enabled</th>
          <th scope="col">Last run</th>
        </tr>
      </thead>
      <tbody>
        ${(rules.data?.rules ?? []).map((r) => {
          const last = lastRun(r.ruleId);
          return html`<tr>
            <td><a href=${`#/rules/${encodeURIComponent(r.ruleId)}`}>${r.ruleId}</a></td>
            <td>${r.trigger.kind} ${r.trigger.name}</td>
            <td>${r.activeVersion ?? "none"}</td>
            <td>${r.latestVersion}</td>
            <td>${r.enabled ? "yes" : "no"}</td>
            <td>${last === undefined ? "—" : `${last.status}, ${when(last.createdAt)}`}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${canEdit() ? html`<p><a href="#/rules/new">Write a new rule</a></p>` : null}`;
}

function RuleEditor(props: { ruleId: string; onChanged: () => void }) {
  const isNew = props.ruleId === "new";
  const definitions = useLoad(() =>
    get<{ inboundEvents: { name: string; schema: object }[] }>(orgPath("/inbound-events")),
  );
  const inbound: InboundSchemas = useMemo(
    () => new Map((definitions.data?.inboundEvents ?? []).map((d) => [d.name, d.schema])),
    [definitions.data],
  );
  const rule = useLoad(
    () =>
      isNew
        ? Promise.resolve(undefined)
        : get<RuleSummary & { document?: unknown; version?: number }>(orgPath(`/rules/${seg(props.ruleId)}`)),
    [props.ruleId],
  );
  const versions = useLoad(
    () =>
      isNew ? Promise.resolve(undefined) : get<Versions>(orgPath(`/rules/${seg(props.ruleId)}/versions`)),
    [props.ruleId],
  );
  const loaded = rule.data?.document === undefined ? NEW_RULE : json(rule.data.document);
  const [text, setText] = useState<string | undefined>(undefined);
  const current = text ?? loaded;
  const [findings, setFindings] = useState<Finding[]>([]);
  const [payload, setPayload] = useState("{}");
  const [dry, setDry] = useState<DryRun | undefined>(undefined);
  const action = useAction();
  const errors = findings.filter((f) => f.severity === "error");
  // Lint needs the inbound schemas: the editor is made once they are here.
  const ready = definitions.data !== undefined && (isNew || rule.data !== undefined);

  const refresh = () => (rule.reload(), versions.reload(), props.onChanged());
  const dryRun = (body: () => object) =>
    action.run(async () => {
      setDry(
        await post<DryRun>(orgPath("/rules/dry-run"), { rule: JSON.parse(current) as object, ...body() }),
      );
      return "dry run done: nothing was sent";
    });
  const save = () =>
    action.run(async () => {
      const doc = JSON.parse(current) as { id: string };
      const saved = await put<{ version: number; warnings: { message: string }[] }>(
        orgPath(`/rules/${seg(doc.id)}`),
        doc,
      );
      const said = `saved version ${saved.version}${saved.warnings.length > 0 ? ` with ${saved.warnings.length} warning(s)` : ""}`;
      if (isNew) {
        flashNext(said);
        location.hash = `#/rules/${encodeURIComponent(doc.id)}`;
        return undefined;
      }
      setText(undefined);
      refresh();
      return said;
    });
  const activate = (version: number) =>
    action.run(async () => {
      await post(orgPath(`/rules/${seg(props.ruleId)}/activate`), { version });
      refresh();
      return `version ${version} is active`;
    });
  const setEnabled = (enabled: boolean) =>
    action.run(async () => {
      await patch(orgPath(`/rules/${seg(props.ruleId)}`), { enabled });
      refresh();
      return enabled ? "enabled" : "disabled";
    });

  return html`<h1>${isNew ? "New rule" : `Rule ${props.ruleId}`}</h1>
    <p><a href="#/rules">All rules</a></p>
    <${ReadOnlyNote} />
    <${ErrorLines} error=${rule.error ?? definitions.error} />
    ${
      rule.data === undefined
        ? null
        : html`<p>
            Active version: <strong>${rule.data.activeVersion ?? "none"}</strong> · latest ${rule.data.latestVersion} · ${rule.data.enabled ? "enabled" : "disabled"}${" "}
            ${
              canEdit()
                ? html`<button onClick=${() => setEnabled(!rule.data!.enabled)}>
                    ${rule.data.enabled ? "Disable" : "Enable"}
                  </button>`
                : null
            }
          </p>`
    }
    <div class="split">
      <div>
        <div class="label">Rule document</div>
        ${
          ready
            ? html`<${JsonEditor}
                id="rule-editor"
                label="Rule document"
                value=${loaded}
                readOnly=${!canEdit()}
                onChange=${setText}
                lint=${(t: string) => lintRule(t, inbound)}
                onFindings=${setFindings}
                varPaths=${(t: string) => declaredPaths(triggerSchemaOf(t, inbound))}
              />`
            : html`<p class="muted">Loading…</p>`
        }
        <ul class="problems" aria-label="Rule problems">
          ${findings.map((f) => html`<li class=${f.severity} data-line=${f.line}>Line ${f.line}: ${f.severity}: ${f.message}</li>`)}
        </ul>
        ${
          canEdit()
            ? html`<button class="primary" disabled=${action.busy || errors.length > 0} onClick=${save}>
                Save new version
              </button>`
            : null
        }
        <${Status} status=${action.status} id="rule-status" />
      </div>
      <div>
        <h2>Dry run</h2>
        <label for="dry-payload">Payload</label>
        <textarea
          id="dry-payload"
          rows="6"
          cols="40"
          value=${payload}
          onInput=${onValue(setPayload)}
        ></textarea>
        <div class="row">
          <button
            disabled=${action.busy || errors.length > 0}
            onClick=${() => dryRun(() => ({ payload: JSON.parse(payload) as unknown }))}
          >
            Dry-run on this payload
          </button>
          <button disabled=${action.busy || errors.length > 0} onClick=${() => dryRun(() => ({ recent: 5 }))}>
            Dry-run on the last 5 samples
          </button>
        </div>
        ${dry === undefined ? null : html`<${DryRunResults} dry=${dry} />`}
      </div>
    </div>
    ${versions.data === undefined ? null : html`<${VersionList} ruleId=${props.ruleId} versions=${versions.data} activate=${activate} busy=${action.busy} />`}`;
}

function DryRunResults(props: { dry: DryRun }) {
  return html`<div aria-label="Dry run results" role="region">
    ${props.dry.warnings.map((w) => html`<p class="warn">${w.message}</p>`)}
    ${props.dry.results.length === 0 ? html`<p class="muted">No sample to run on.</p>` : null}
    ${props.dry.results.map(
      (r, i) =>
        html`<div class="panel">
          <strong>${r.messageId ?? `payload ${i + 1}`}</strong>:
          ${!r.valid ? html`<span class="error"> invalid payload</span>` : r.matched ? html`<span class="ok"> matches</span>` : html`<span class="muted"> does not match</span>`}
          ${r.error === undefined ? null : html`<p class="error">${r.error}</p>`}
          ${r.errors === undefined ? null : html`<${JsonBlock} label="payload errors" value=${r.errors} />`}
          ${r.actions.map((a) => html`<div>Action ${a.index} ${a.type}<${JsonBlock} label=${`action ${a.index} parameters`} value=${a.params} /></div>`)}
        </div>`,
    )}
  </div>`;
}

function VersionList(props: {
  ruleId: string;
  versions: Versions;
  activate: (v: number) => void;
  busy: boolean;
}) {
  return html`<h2>Versions</h2>
    <${VersionDiff} ruleId=${props.ruleId} versions=${props.versions.versions.map((v) => v.version)} />
    <table>
      <caption class="visually-hidden">
        Versions of the rule
      </caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Author</th>
          <th scope="col">Saved</th>
          <th scope="col">Changes from the one before</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${[...props.versions.versions].reverse().map(
          (v) =>
            html`<tr>
              <td>${v.version}${v.active ? " (active)" : ""}</td>
              <td>${v.author}</td>
              <td>${when(v.createdAt)}</td>
              <td><${JsonBlock} label=${`changes of version ${v.version}`} value=${v.changes} /></td>
              <td>
                ${
                  canEdit() && !v.active
                    ? html`<button disabled=${props.busy} onClick=${() => props.activate(v.version)}>
                        ${props.versions.activeVersion !== null && v.version < props.versions.activeVersion ? "Roll back to" : "Activate"} version ${v.version}
                      </button>`
                    : null
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

/** Any two versions side by side: what changed from one to the other, by the rules package's own diff. */
function VersionDiff(props: { ruleId: string; versions: number[] }) {
  const newest = props.versions[props.versions.length - 1] ?? 1;
  const [from, setFrom] = useState(String(props.versions[0] ?? 1));
  const [to, setTo] = useState(String(newest));
  const [changes, setChanges] = useState<DocumentChange[] | undefined>(undefined);
  const action = useAction();
  const documentOf = async (version: string) =>
    (await get<{ document: unknown }>(orgPath(`/rules/${seg(props.ruleId)}/versions/${seg(version)}`)))
      .document;
  const compare = () =>
    action.run(async () => {
      setChanges(diffDocuments(await documentOf(from), await documentOf(to)));
      return undefined;
    });
  const options = props.versions.map((v) => html`<option value=${String(v)}>${v}</option>`);
  return html`<div class="row">
      <div><label for="diff-from">From version</label><select id="diff-from" value=${from} onChange=${onValue(setFrom)}>${options}</select></div>
      <div><label for="diff-to">To version</label><select id="diff-to" value=${to} onChange=${onValue(setTo)}>${options}</select></div>
      <button disabled=${action.busy} onClick=${compare}>Compare versions</button>
    </div>
    <${Status} status=${action.status} />
    ${changes === undefined ? null : html`<${JsonBlock} label="differences between the versions" value=${changes} />`}`;
}

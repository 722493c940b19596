/// <reference lib="dom" />
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import { ErrorLines, JsonBlock, orgPath, Status, useAction, useLoad, when, onValue } from "./ui.js";

interface RuleRun {
  id: number;
  ruleId: string;
  version: number;
  trigger: { kind: string; name: string };
  messageId: string;
  status: string;
  input: unknown;
  actions: unknown;
  error?: string;
  createdAt: string;
}
interface RunsPage {
  runs: RuleRun[];
  next: number | null;
}

/** The API's filters for what the form says; a `datetime-local` value is the browser's local time. */
function runsQuery(filters: { ruleId: string; outcome: string; since: string; until: string }): string {
  const query = new URLSearchParams({ limit: "100" });
  if (filters.ruleId !== "") query.set("ruleId", filters.ruleId);
  if (filters.outcome !== "") query.set("status", filters.outcome);
  if (filters.since !== "") query.set("from", new Date(filters.since).toISOString());
  if (filters.until !== "") query.set("to", new Date(filters.until).toISOString());
  return query.toString();
}

/** Rule runs, filtered by the API by rule, outcome and time, newest first, a page at a time. */
export function RuleRuns() {
  const [ruleId, setRuleId] = useState("");
  const [outcome, setOutcome] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const query = runsQuery({ ruleId, outcome, since, until });
  const runs = useLoad(() => get<RunsPage>(orgPath(`/rule-runs?${query}`)), [query]);
  const [older, setOlder] = useState<RunsPage[]>([]);
  const action = useAction();
  useEffect(() => setOlder([]), [query, runs.data]);
  const pages = runs.data === undefined ? [] : [runs.data, ...older];
  const shown = pages.flatMap((p) => p.runs);
  const next = pages.at(-1)?.next ?? null;
  const more = () =>
    action.run(async () => {
      const page = await get<RunsPage>(orgPath(`/rule-runs?${query}&before=${next}`));
      setOlder((pages) => [...pages, page]);
      return undefined;
    });
  return html`<h1>Rule runs</h1>
    <div class="row">
      <div>
        <label for="runs-rule">Rule</label
        ><input id="runs-rule" value=${ruleId} onChange=${onValue(setRuleId)} />
      </div>
      <div>
        <label for="runs-outcome">Outcome</label>
        <select id="runs-outcome" value=${outcome} onChange=${onValue(setOutcome)}>
          <option value="">any</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      </div>
      <div>
        <label for="runs-since">Since</label
        ><input id="runs-since" type="datetime-local" value=${since} onChange=${onValue(setSince)} />
      </div>
      <div>
        <label for="runs-until">Until</label
        ><input id="runs-until" type="datetime-local" value=${until} onChange=${onValue(setUntil)} />
      </div>
      <button onClick=${runs.reload}>Refresh</button>
    </div>
    <${Status} status=${action.status} />
    <${ErrorLines} error=${runs.error} />
    <table>
      <caption class="visually-hidden">
        Rule runs, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Rule</th>
          <th scope="col">Outcome</th>
          <th scope="col">Message</th>
          <th scope="col">Input</th>
          <th scope="col">What it did</th>
        </tr>
      </thead>
      <tbody>
        ${shown.map(
          (r) =>
            html`<tr data-rule=${r.ruleId}>
              <td>${when(r.createdAt)}</td>
              <td>${r.ruleId}@${r.version}</td>
              <td class=${r.status === "succeeded" ? "ok" : "error"}>
                ${r.status}${r.error === undefined ? "" : `: ${r.error}`}
              </td>
              <td>${r.messageId}</td>
              <td><${JsonBlock} label=${`input of run ${r.id}`} value=${r.input} /></td>
              <td><${JsonBlock} label=${`actions of run ${r.id}`} value=${r.actions} /></td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${shown.length === 0 && runs.data !== undefined ? html`<p class="muted">No run matches.</p>` : null}
    ${next === null ? null : html`<button disabled=${action.busy} onClick=${more}>Show older runs</button>`}`;
}

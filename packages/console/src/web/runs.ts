/// <reference lib="dom" />
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { get } from "./api.js";
import { ErrorLines, JsonBlock, orgPath, useLoad, when, onValue } from "./ui.js";

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

/** Rule runs, filtered by rule (on the server), outcome and time (here, on the page shown). */
export function RuleRuns() {
  const [ruleId, setRuleId] = useState("");
  const [outcome, setOutcome] = useState("");
  const [since, setSince] = useState("");
  const runs = useLoad(
    () =>
      get<{ runs: RuleRun[] }>(
        orgPath(`/rule-runs?limit=200${ruleId === "" ? "" : `&ruleId=${encodeURIComponent(ruleId)}`}`),
      ),
    [ruleId],
  );
  const shown = (runs.data?.runs ?? []).filter(
    (r) =>
      (outcome === "" || r.status === outcome) &&
      (since === "" || r.createdAt >= new Date(since).toISOString()),
  );
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
      <button onClick=${runs.reload}>Refresh</button>
    </div>
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
    ${shown.length === 0 ? html`<p class="muted">No run matches.</p>` : null}`;
}

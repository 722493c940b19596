/// <reference lib="dom" />
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { get, post } from "./api.js";
import { canDesk, ErrorLines, JsonBlock, orgPath, Status, useAction, useLoad, when, onValue } from "./ui.js";

interface Letter {
  id: number;
  stage: string;
  reason: string;
  status: string;
  origin: { subject: string | null; msgId: string | null };
  deadAt: string;
  payload: unknown;
}

interface RetryResult {
  id: number;
  outcome: "retried" | "failed";
  error?: string;
}

/** What a retry did to each letter: those that failed, with why, are named. */
function retried(results: readonly RetryResult[]): string {
  const failed = results.filter((r) => r.outcome !== "retried");
  const said = `retried ${results.length - failed.length}`;
  return failed.length === 0
    ? said
    : `${said}; ${failed.length} failed: ${failed.map((f) => `${f.id} (${f.error ?? "no reason given"})`).join(", ")}`;
}

/** The dead-letter desk: open entries by stage, with reason and payload; retry or resolve, one or many. */
export function DeadLetters() {
  const [stage, setStage] = useState("");
  const letters = useLoad(
    () =>
      get<{ deadLetters: Letter[] }>(
        orgPath(
          `/dead-letters?status=open&limit=100${stage === "" ? "" : `&stage=${encodeURIComponent(stage)}`}`,
        ),
      ),
    [stage],
  );
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [comment, setComment] = useState("");
  const action = useAction();
  const entries = letters.data?.deadLetters ?? [];
  const toggle = (id: number) => {
    const next = new Set(picked);
    if (!next.delete(id)) next.add(id);
    setPicked(next);
  };
  const done = (said: string) => (setPicked(new Set()), letters.reload(), said);
  const retry = (ids: number[]) =>
    action.run(async () => {
      const answer = await post<{ results: RetryResult[] }>(orgPath("/dead-letters/retry"), { ids });
      return done(retried(answer.results));
    });
  const resolve = (ids: number[]) =>
    action.run(async () => {
      // One at a time: the list is shown again whatever happened, so what was resolved leaves it.
      try {
        for (const id of ids) await post(orgPath(`/dead-letters/${id}/resolve`), { comment });
      } finally {
        setPicked(new Set());
        letters.reload();
      }
      setComment("");
      return `resolved ${ids.length}`;
    });
  return html`<h1>Dead letters</h1>
    <div class="row">
      <div>
        <label for="dl-stage">Stage</label>
        <select id="dl-stage" value=${stage} onChange=${onValue(setStage)}>
          <option value="">all</option>
          ${["undeclared", "invalid", "rules", "action-failed", "webhook"].map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
      <button onClick=${letters.reload}>Refresh</button>
    </div>
    ${
      canDesk()
        ? html`<div class="row">
            <button disabled=${action.busy || picked.size === 0} onClick=${() => retry([...picked])}>
              Retry selected
            </button>
            <div>
              <label for="dl-comment">Comment for resolving</label
              ><input id="dl-comment" size="40" value=${comment} onInput=${onValue(setComment)} />
            </div>
            <button
              disabled=${action.busy || picked.size === 0 || comment.trim() === ""}
              onClick=${() => resolve([...picked])}
            >
              Resolve selected
            </button>
          </div>`
        : html`<p class="readonly-note">Your key can read the desk but not act on it.</p>`
    }
    <${Status} status=${action.status} />
    <${ErrorLines} error=${letters.error} />
    <table>
      <caption class="visually-hidden">
        Open dead letters
      </caption>
      <thead>
        <tr>
          ${canDesk() ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : null}
          <th scope="col">Id</th>
          <th scope="col">Stage</th>
          <th scope="col">Reason</th>
          <th scope="col">Origin</th>
          <th scope="col">Dead since</th>
          <th scope="col">Payload</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (l) =>
            html`<tr data-letter=${l.id}>
              ${canDesk() ? html`<td><input type="checkbox" aria-label=${`select dead letter ${l.id}`} checked=${picked.has(l.id)} onChange=${() => toggle(l.id)} /></td>` : null}
              <td>${l.id}</td>
              <td>${l.stage}</td>
              <td>${l.reason}</td>
              <td>${l.origin.subject ?? "—"}</td>
              <td>${when(l.deadAt)}</td>
              <td><${JsonBlock} label=${`payload of dead letter ${l.id}`} value=${l.payload} /></td>
              <td>
                ${canDesk() ? html`<button disabled=${action.busy} onClick=${() => retry([l.id])}>Retry ${l.id}</button>` : null}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${entries.length === 0 && letters.data !== undefined ? html`<p class="muted">No open dead letter.</p>` : null}`;
}

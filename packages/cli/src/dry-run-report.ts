import type { DryRunResult } from "./api-client.js";
import type { Position } from "./json-positions.js";
import { formatProblem } from "./problems.js";

/** Where a payload came from: a file (whose lines its schema errors point at) or a stored event. */
export type PayloadOrigin = { file: string; locate(pointer: string): Position } | { event: number };

/** One result as lines: valid or not (with the schema errors), matched or not, the resolved actions as JSON. */
export function describeResult(
  result: DryRunResult & { messageId?: string },
  origin: PayloadOrigin,
): string[] {
  const name =
    "file" in origin
      ? origin.file
      : `event ${origin.event}${result.messageId === undefined ? "" : ` (message ${result.messageId})`}`;
  if (!result.valid) {
    const errors = (result.errors ?? []).map((error) =>
      formatProblem({
        file: "file" in origin ? origin.file : name,
        ...("file" in origin ? { position: origin.locate(error.path) } : {}),
        message: `${error.path || "the payload"}: ${error.message}`,
        code: "payload",
      }),
    );
    return [
      `${name}: invalid, the engine would dead-letter it without running rules`,
      ...errors.map((line) => `  ${line}`),
    ];
  }
  if (!result.matched) return [`${name}: valid, not matched ("when" is false): nothing would happen`];
  const actions = `${result.actions.length} action${result.actions.length === 1 ? "" : "s"}`;
  const timer = result.timer;
  const count =
    timer === undefined
      ? actions
      : `a timer due at ${timer.dueAt}${timer.key === null ? "" : ` (key ${JSON.stringify(timer.key)})`}, then ${actions}`;
  const head =
    result.error === undefined
      ? `${name}: valid, matched: ${count}`
      : `${name}: valid, matched, but it would fail: ${result.error}`;
  return [head, JSON.stringify(result.actions, null, 2)];
}

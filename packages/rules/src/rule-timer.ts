import { err, ok, ValidationError, type Result } from "@switchboard/errors";
import { keyText } from "./dedup.js";
import { parseDuration } from "./iso-duration.js";
import { compileLogic, truthy, type Evaluator } from "./logic-compiler.js";
import { compileValue } from "./param-resolver.js";
import type { CompiledCancel, CompiledTimer, TimerDocument } from "./types.js";

/** RFC 3339 with a zone: a timer fires at one instant, so a local time without one is refused. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Compiles a checked `timer` (validateRule accepted it); a bad duration or expression throws ValidationError. */
export function compileTimer(doc: TimerDocument): CompiledTimer {
  const offsetMs = doc.offset === undefined ? 0 : durationOf(doc.offset);
  const base =
    doc.after === undefined ? atOf(compileValue(doc.at), offsetMs) : afterOf(durationOf(doc.after));
  const key = doc.key === undefined ? undefined : compileValue(doc.key);
  const needsKey = doc.cancelOn !== undefined;
  return {
    schedule(data, messageTime) {
      const due = evaluated(() => base(data, messageTime));
      if (!due.ok) return err(`the timer's due time could not be evaluated: ${due.error}`);
      if (!due.value.ok) return due.value;
      const dueAt = due.value.value;
      if (key === undefined) return ok({ dueAt, key: null });
      const value = evaluated(() => keyText(key(data)));
      if (!value.ok) return err(`the timer's key could not be evaluated: ${value.error}`);
      if (value.value === undefined && needsKey)
        return err("the timer's key is empty on this payload, so no follow-up could cancel it");
      return ok({ dueAt, key: value.value ?? null });
    },
    cancelOn: doc.cancelOn === undefined ? undefined : compileCancel(doc.cancelOn),
  };
}

function compileCancel(doc: NonNullable<TimerDocument["cancelOn"]>): CompiledCancel {
  const when: Evaluator | undefined = doc.when === undefined ? undefined : compileLogic(doc.when);
  const key = compileValue(doc.key);
  const trigger =
    "inbound" in doc.on
      ? { kind: "inbound" as const, name: doc.on.inbound }
      : { kind: "event" as const, name: doc.on.event };
  return {
    trigger,
    keyOf(data) {
      const found = evaluated(() =>
        when === undefined || truthy(when(data)) ? keyText(key(data)) : undefined,
      );
      return found.ok ? found : err(`the cancelling key could not be evaluated: ${found.error}`);
    },
  };
}

type Due = (data: unknown, messageTime: Date) => Result<Date, string>;

function afterOf(ms: number): Due {
  return (_data, messageTime) => ok(new Date(messageTime.getTime() + ms));
}

function atOf(at: Evaluator, offsetMs: number): Due {
  return (data) => {
    const value = at(data);
    if (typeof value !== "string" || !DATE_TIME.test(value))
      return err(
        `the timer's "at" must be a date-time with a zone, e.g. "2026-12-03T09:30:00Z", got ${JSON.stringify(value) ?? "nothing"}`,
      );
    const time = Date.parse(value);
    if (Number.isNaN(time)) return err(`the timer's "at" is not a date: ${JSON.stringify(value)}`);
    return ok(new Date(time + offsetMs));
  };
}

function durationOf(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new ValidationError(`timer: ${parsed.error}`);
  return parsed.value;
}

/** Expressions may throw on hostile data (and past the evaluation budget): a value, never a throw. */
function evaluated<T>(run: () => T): Result<T, string> {
  try {
    return ok(run());
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The time a rule is evaluated at: the message's, never the wall clock, so a redelivery and a dry
 * run of the same message agree. Evaluation is synchronous, so one value at a time is enough (as
 * for the evaluation budget in logic-compiler.ts).
 */
let current: number | undefined;

/** Runs `evaluate` with `now` reading this instant (ms since the epoch). */
export function atMessageTime<T>(ms: number | undefined, evaluate: () => T): T {
  const before = current;
  current = ms;
  try {
    return evaluate();
  } finally {
    current = before;
  }
}

/** The instant `now` reads; evaluating it where no message time was given is an error, not the wall clock. */
export function messageTime(): number {
  if (current === undefined) throw new Error("now: there is no message time here (rules only)");
  return current;
}

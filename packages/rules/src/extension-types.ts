/** Where an operator's save-time checks report: at the operation, or at one of its arguments. */
export interface Problems {
  /** Reports when the operation has fewer or more arguments than it takes. */
  arity(min: number, max: number, shape: string): void;
  at(index: number): Problems;
  add(message: string): void;
}

export interface CheckEnv {
  /** The names of the rule's tables, for `lookup`. */
  tables: readonly string[];
}

/**
 * An operator of ours, beside json-logic-js's: it runs on computed argument values (so no payload
 * value is ever read as logic), and checks its literal arguments when the rule is saved. Pure:
 * `now` reads the message's time, given to the evaluation, never the wall clock.
 */
export interface ExtensionOperator {
  /** Its value depends on the message's time, so it is never computed once at save. */
  readsClock?: boolean;
  check(args: unknown[], problems: Problems, env: CheckEnv): void;
  run(values: unknown[]): unknown;
  /** Binds literal arguments when compiled (lookup's table); default: `run`. */
  bind?(args: unknown[]): (values: unknown[]) => unknown;
}

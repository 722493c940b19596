import { deepFreeze } from "./deep-freeze.js";
import type { Infer } from "./infer.js";

/** A JSON Schema (2020-12) as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One command: the JSON Schema its params must meet and the JSON Schema of what it answers. */
export interface CommandSpec {
  readonly params: JsonSchema;
  readonly result: JsonSchema;
}

/** A service's commands, by name (the last token of `<ns>.cmd.<service>.<command>`). */
export interface Contract<
  S extends string = string,
  C extends Readonly<Record<string, CommandSpec>> = Readonly<Record<string, CommandSpec>>,
> {
  readonly service: S;
  readonly commands: C;
}

/** Declares a service's command contract; the schemas stay plain JSON Schema, the types follow from them. */
export function defineContract<const S extends string, const C extends Readonly<Record<string, CommandSpec>>>(
  service: S,
  commands: C,
): Contract<S, C> {
  return deepFreeze({ service, commands });
}

export type CommandName<C extends Contract> = keyof C["commands"] & string;

/** The params of a command, as its schema lets them be. */
export type ParamsOf<C extends Contract, K extends CommandName<C>> = Infer<C["commands"][K]["params"]>;

/** What a command answers, as its result schema says. */
export type ResultOf<C extends Contract, K extends CommandName<C>> = Infer<C["commands"][K]["result"]>;

/** What every command carries; `params` is the command's own input. */
export interface CommandRequestOf<P> {
  orgId: string;
  /** The service stores it with the result: a repeat returns the first result and changes nothing. */
  idempotencyKey?: string;
  requestedBy?: string;
  traceId?: string;
  params: P;
}

/**
 * A contract's commands as functions: what a client calls and what the service implements, so
 * both sides are checked against the same schemas.
 */
export type CommandFunctions<C extends Contract> = {
  readonly [K in CommandName<C>]: (request: CommandRequestOf<ParamsOf<C, K>>) => Promise<ResultOf<C, K>>;
};

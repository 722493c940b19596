/**
 * The contract of the rules package: what a rule document is, what validating and compiling it
 * give back. Pure: no I/O, no clock, no NATS; the rules engine service does the effects.
 */
import type { Result } from "@switchboard/errors";

/** A JSON Logic expression: an object with exactly one operator key, or a literal. */
export type JsonLogic = unknown;

export type Trigger = { inbound: string } | { event: string };

export const ACTION_TYPES = [
  "assignForm",
  "createWorkQueueItem",
  "setWorkQueueItemStatus",
  "createPlan",
  "emit",
  "recordFormSubmission",
  "updateWorkQueueItemByKey",
  "proposeChange",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** One action as written: `{ "<actionType>": { param: literal-or-expression, … } }`, or a forEach of one. */
export type ActionDocument = { [K in ActionType]?: Record<string, unknown> } & {
  forEach?: { in: JsonLogic; key: JsonLogic; max?: number; do: ActionDocument };
};

/** A rule as a content manager writes it (validated against schemas/rule.schema.json). */
export interface RuleDocument {
  id: string;
  description?: string;
  /** Default true. */
  enabled?: boolean;
  on: Trigger;
  /** Default: always (true). */
  when?: JsonLogic;
  actions: ActionDocument[];
  /** Small tables the `lookup` operator reads: name → key → value. */
  tables?: Record<string, Record<string, unknown>>;
  /** When present, the actions run when the timer fires instead of at once (rule-timer.ts). */
  timer?: TimerDocument;
}

/** A problem found in a rule (or a dedup key expression); `path` is a JSON pointer into the document. */
export interface RuleProblem {
  path: string;
  message: string;
  code:
    | "json"
    | "schema"
    | "operator"
    | "unsafe-var"
    | "unknown-path"
    | "unknown-trigger"
    | "action"
    | "param-type"
    | "budget";
}

/**
 * Something in a rule that is likely a mistake but does not stop it being saved; `path` is a JSON
 * pointer into the document, as for a problem. `undeclared-path`: a data path into an object whose
 * schema lists its fields but leaves it open, and the field read is not among them.
 */
export interface RuleWarning {
  path: string;
  message: string;
  code: "undeclared-path";
}

/** What a check found: problems refuse the document, warnings do not. */
export interface RuleFindings {
  problems: RuleProblem[];
  warnings: RuleWarning[];
}

/** A checked rule document, or its problems; the warnings either way. */
export type RuleValidation = Result<RuleDocument, RuleProblem[]> & { warnings: RuleWarning[] };

/** Looks up the JSON Schema of a trigger's payload (what `var` paths read): the inbound definition's
 * schema, or the system event's whole envelope schema. Undefined when no such trigger is declared. */
export type TriggerSchemaLookup = (trigger: Trigger) => object | undefined;

/** Resolves a `$ref` that is not local to the schema being walked (e.g. `envelope.schema.json#/$defs/x`). */
export type RefResolver = (ref: string) => object | undefined;

export interface ValidationContext {
  triggerSchema: TriggerSchemaLookup;
  resolveRef?: RefResolver;
}

/** Where an action goes: a command of a domain service, or a custom event the engine emits. */
export type ActionTarget = { kind: "command"; service: string; command: string } | { kind: "emit" };

/** An action with every parameter resolved against the payload: what would be sent. */
export interface ResolvedAction {
  index: number;
  type: ActionType;
  target: ActionTarget;
  params: Record<string, unknown>;
  /** One element of a forEach: its position and its key (part of the action's idempotency key). */
  element?: { index: number; key: string };
}

export interface CompiledRule {
  id: string;
  version: number;
  enabled: boolean;
  trigger: { kind: "inbound" | "event"; name: string };
  description: string | undefined;
  /** Evaluates `when` and, if it holds, every action's parameters. Never throws: a rule that
   * fails at run time (e.g. a resolved parameter of the wrong type) says so in `error`, naming the
   * action index and parameter. A `when` that cannot be evaluated on this payload is reported the
   * same way, with no actions: a failure is recorded, never read as "did not match".
   * `at` (ms since the epoch) is the message's time, what `now` reads: never the wall clock. */
  evaluate(data: unknown, at?: number): RuleEvaluation;
  /** The rule's timer: its actions are resolved on the message, and run when the timer fires. */
  timer?: CompiledTimer | undefined;
}

export type RuleEvaluation =
  | { matched: false }
  | { matched: true; actions: ResolvedAction[] }
  | { matched: true; error: string; actions: ResolvedAction[] };

/** How an inbound definition decides that a message is a duplicate. */
export type DedupSpec = { mode: "id-or-payload" } | { mode: "id" } | { mode: "key"; key: JsonLogic };

/** An inbound event definition as validated (the PUT body, or a file for the CLI). */
export interface InboundDefinition {
  /** Present when the document names itself (a file); the API takes the name from the URL. */
  name?: string;
  description?: string;
  /** JSON Schema (draft 2020-12) of the payload; it compiles with ajv (strict, with formats). */
  schema: object;
  /** Default: `{ mode: "id-or-payload" }`. */
  dedup: DedupSpec;
}

/**
 * A rule's `timer`: its actions run when the timer fires, not when the message arrives. The timer
 * is due `after` a duration from the message's time, or `at` a date-time the payload gives (moved
 * by `offset`). A later message of `cancelOn.on` whose `cancelOn.key` equals the timer's `key`
 * cancels it while it is pending.
 */
export interface TimerDocument {
  after?: string;
  at?: JsonLogic;
  offset?: string;
  key?: JsonLogic;
  cancelOn?: { on: Trigger; when?: JsonLogic; key: JsonLogic };
}

/** When a timer a message starts is due, and the key a follow-up cancels it by (null: none). */
export interface TimerSchedule {
  dueAt: Date;
  key: string | null;
}

export interface CompiledTimer {
  /** The timer a payload received at `messageTime` starts; an error names what could not be read. */
  schedule(data: unknown, messageTime: Date): Result<TimerSchedule, string>;
  cancelOn: CompiledCancel | undefined;
}

/** What a follow-up cancels: the pending timers of this rule whose key it gives. */
export interface CompiledCancel {
  trigger: { kind: "inbound" | "event"; name: string };
  /** The key whose pending timers a follow-up payload cancels; undefined when it cancels none. */
  keyOf(data: unknown): Result<string | undefined, string>;
}

import type { CheckEnv } from "./extension-types.js";
import type { RefResolver } from "./types.js";

/** What the action checks need to know about the trigger. */
export interface TriggerView {
  /** The payload's schema; undefined when the trigger is unknown (already reported). */
  schema: object | undefined;
  resolveRef: RefResolver | undefined;
  schemaName: string;
  /** What the rule's logic may refer to (its tables). */
  logicEnv: CheckEnv;
  /** Inside forEach: the logic with its paths as the payload paths they stand for, for the schema check. */
  mapVars?: (logic: unknown) => unknown;
}

import { ACTION_SPECS } from "./action-specs.js";
import type { ActionType, RuleFindings } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/** The actions a proposed change may hold: those that send a command, except a proposal itself. */
export const NESTABLE_ACTIONS: readonly string[] = Object.keys(ACTION_SPECS).filter(
  (type) => ACTION_SPECS[type as ActionType].target.kind === "command" && type !== "proposeChange",
);

/** Problems of the shape of a nested action; its parameters are checked as any action's. */
export function nestedShapeProblems(value: unknown, pointer: string): RuleFindings | undefined {
  const [type, ...others] = isPlainObject(value) ? Object.keys(value) : [];
  if (type !== undefined && others.length === 0 && NESTABLE_ACTIONS.includes(type)) return undefined;
  const message = `a proposed change is one action of ${NESTABLE_ACTIONS.join(", ")}, e.g. {"updateWorkQueueItemByKey": {…}}`;
  return { problems: [{ path: pointer, message, code: "action" }], warnings: [] };
}

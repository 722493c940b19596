import { ValidationError } from "@switchboard/errors";
import { ACTION_SPECS } from "./action-specs.js";
import { compileLogic } from "./logic-compiler.js";
import { compileParams, compileValue } from "./param-resolver.js";
import { DEFAULT_FOR_EACH_MAX, elementData, MAX_ELEMENT_KEY, type ForEachDocument } from "./for-each.js";
import type { ActionType, ResolvedAction } from "./types.js";
import { isPlainObject, previewValue } from "./value-preview.js";

/** What an action resolves to on one payload: the commands to send, and what is wrong with them. */
export interface ActionResolution {
  actions: ResolvedAction[];
  problems: string[];
}

/** At most this many element problems are named; the rest are counted. */
const NAMED_PROBLEMS = 5;

/** Compiles `{"forEach": {in, key, max?, do}}` at action `index` into its resolution per payload. */
export function compileForEach(doc: ForEachDocument, index: number): (data: unknown) => ActionResolution {
  const [inner] = Object.entries(isPlainObject(doc.do) ? doc.do : {});
  if (inner === undefined || !Object.hasOwn(ACTION_SPECS, inner[0]) || !isPlainObject(inner[1]))
    throw new ValidationError(`action ${index}: forEach must do one known action type with its parameters`);
  const type = inner[0] as ActionType;
  const spec = ACTION_SPECS[type];
  const list = compileLogic(doc.in);
  const keyOf = compileValue(doc.key);
  const resolve = compileParams(spec, inner[1]);
  const max = doc.max ?? DEFAULT_FOR_EACH_MAX;
  return (payload) => {
    const items = list(payload);
    if (items === null || items === undefined) return { actions: [], problems: [] };
    if (!Array.isArray(items))
      return { actions: [], problems: [`"in" gave ${previewValue(items)}, not a list`] };
    if (items.length > max)
      return {
        actions: [],
        problems: [
          `the list has ${items.length} elements, more than its max of ${max}; nothing was done for any of them`,
        ],
      };
    const actions: ResolvedAction[] = [];
    const problems: string[] = [];
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const data = elementData(item, i, payload);
      const key = elementKey(keyOf(data));
      if (typeof key !== "string") return problems.push(`element ${i}: ${key.problem}`);
      const first = seen.get(key);
      if (first !== undefined)
        return problems.push(`elements ${first} and ${i} have the same key ${JSON.stringify(key)}`);
      seen.set(key, i);
      const outcome = resolve(data);
      actions.push({ index, type, target: spec.target, params: outcome.params, element: { index: i, key } });
      if (!outcome.ok)
        problems.push(...outcome.problems.map((p) => `element ${i} (key ${JSON.stringify(key)}): ${p}`));
    });
    return { actions, problems: named(problems) };
  };
}

function elementKey(value: unknown): string | { problem: string } {
  const key = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_ELEMENT_KEY)
    return {
      problem: `its key must be text of 1 to ${MAX_ELEMENT_KEY} characters or a number, got ${previewValue(value)}`,
    };
  return key;
}

function named(problems: string[]): string[] {
  if (problems.length <= NAMED_PROBLEMS) return problems;
  return [
    ...problems.slice(0, NAMED_PROBLEMS),
    `and ${problems.length - NAMED_PROBLEMS} more element problems`,
  ];
}

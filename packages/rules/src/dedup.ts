import { canonicalJson } from "@switchboard/canonical-json";
import { err, ok, type Result } from "@switchboard/errors";
import { isJsonData } from "./json-data.js";
import { compileLogic, type Evaluator } from "./logic-compiler.js";
import { checkLogic } from "./logic-guard.js";
import type { DedupSpec, JsonLogic, RefResolver, RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";
import { checkVarPaths } from "./var-paths.js";

const MODES = ["id-or-payload", "id", "key"] as const;

/**
 * Checks the `dedup` member of an inbound definition (absent: the default, "id-or-payload").
 * Pointers start at `/dedup`, where it sits in the definition; a key expression is checked like
 * a rule's `when`, its paths against the definition's payload schema.
 */
export function validateDedup(
  spec: unknown,
  schema: object,
  resolveRef?: RefResolver,
): Result<DedupSpec, RuleProblem[]> {
  if (spec === undefined) return ok({ mode: "id-or-payload" });
  const problem = (path: string, message: string, code: RuleProblem["code"] = "schema") =>
    err([{ path, message, code }]);
  const modes = MODES.map((m) => JSON.stringify(m)).join(", ");
  if (!isPlainObject(spec))
    return problem("/dedup", `dedup must be an object such as {"mode": "id"}; modes: ${modes}`);
  const mode = spec["mode"];
  if (!(MODES as readonly unknown[]).includes(mode))
    return problem("/dedup/mode", `dedup mode must be one of ${modes}`);
  const allowed = mode === "key" ? ["mode", "key"] : ["mode"];
  const extra = Object.keys(spec).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    const why = extra.includes("key")
      ? `"key" is only for mode "key"`
      : `dedup takes only ${allowed.join(" and ")}`;
    return problem(`/dedup/${extra[0]}`, `unknown dedup field ${JSON.stringify(extra[0])}: ${why}`);
  }
  if (mode !== "key") return ok({ mode } as DedupSpec);
  if (!Object.hasOwn(spec, "key"))
    return problem(
      "/dedup/key",
      'dedup mode "key" needs "key": a JSON Logic expression over the payload, e.g. {"var": "bookingId"}',
    );
  const key = spec["key"];
  const problems = checkLogic(key, "/dedup/key");
  // Only problems: a dedup key is part of the definition, whose save answers no warnings.
  const paths = checkVarPaths(key, "/dedup/key", schema, resolveRef, "the schema of this inbound event");
  problems.push(...paths.problems);
  return problems.length > 0 ? err(problems) : ok({ mode: "key", key });
}

const keyEvaluators = new WeakMap<object, Evaluator>();

/**
 * The dedup key of a payload: the key expression's value, a string as it is and anything else as
 * canonical JSON (RFC 8785, so equal values give equal keys whatever their key order). undefined,
 * meaning "no key: fall back to the message id", when the value is null, "" or [], is not JSON
 * data, or the expression fails on this payload. Never throws.
 */
export function dedupKeyOf(spec: { mode: "key"; key: JsonLogic }, payload: unknown): string | undefined {
  let value: unknown;
  try {
    value = evaluatorFor(spec)(payload);
  } catch {
    return undefined;
  }
  return keyText(value);
}

/**
 * A key's value as text: a string as it is, anything else as canonical JSON; undefined for null,
 * "", [], or a value that is not JSON data. Dedup keys and timer keys read values alike.
 */
export function keyText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0))
    return undefined;
  if (typeof value === "string") return value;
  return isJsonData(value) ? canonicalJson(value) : undefined;
}

// The engine calls this per message with the definition's spec object: compile it once per object.
function evaluatorFor(spec: { key: JsonLogic }): Evaluator {
  let evaluate = keyEvaluators.get(spec);
  if (evaluate === undefined) {
    evaluate = compileLogic(spec.key);
    keyEvaluators.set(spec, evaluate);
  }
  return evaluate;
}

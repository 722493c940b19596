import type { ValidateFunction } from "ajv";
import { ValidationError } from "@switchboard/errors";
import { ACTION_SPECS, type ActionSpec } from "./action-specs.js";
import { nestedShapeProblems } from "./nested-action.js";
import type { ActionType } from "./types.js";
import { compileLogic, type Evaluator } from "./logic-compiler.js";
import { isExpression } from "./logic-guard.js";
import { compileSchema, describeErrors } from "./schema-errors.js";
import { isPlainObject } from "./value-preview.js";

export type ResolvedParams =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; params: Record<string, unknown>; problems: string[] };

/**
 * Compiles one action's parameters into a function of the payload. Each resolved value is then
 * checked against its parameter's schema, because an expression can yield anything: a content
 * manager learns "userId must be a string, got 42" from the rule run, not from a domain service.
 * An optional parameter that resolves to null is left out (unless its schema accepts null), so
 * `"prefill": {"var": "extra"}` on a payload without `extra` assigns the form without a prefill.
 */
export function compileParams(
  spec: ActionSpec,
  params: Record<string, unknown>,
): (data: unknown) => ResolvedParams {
  const inGroup = new Set((spec.oneOf ?? []).flat());
  const compiled = Object.entries(params).map(([name, value]) => {
    const param = spec.params[name];
    if (param === undefined || !Object.hasOwn(spec.params, name))
      throw new ValidationError(`unknown parameter ${JSON.stringify(name)}`);
    const mayOmit = !param.required && !inGroup.has(name);
    const resolve = param.nestedAction === true ? nested(value) : compileValue(value);
    return { name, resolve, validate: compileSchema(param.schema), mayOmit };
  });
  return (data) => {
    const entries: [string, unknown][] = [];
    const problems: string[] = [];
    for (const { name, resolve, validate, mayOmit } of compiled) {
      const value = resolve(data);
      if (value === null && mayOmit && !validate(null)) continue;
      entries.push([name, value]);
      problems.push(...typeProblems(name, value, validate));
    }
    // fromEntries defines own properties: a "__proto__" key stays data instead of setting a prototype.
    const resolved = Object.fromEntries(entries);
    return problems.length === 0 ? { ok: true, params: resolved } : { ok: false, params: resolved, problems };
  };
}

/** An expression is evaluated; an object that is not one is a map of values read the same way; arrays element-wise. */
export function compileValue(value: unknown): Evaluator {
  if (isExpression(value)) {
    const evaluate = compileLogic(value);
    return (data) => evaluate(data) ?? null;
  }
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    return (data) => items.map((item) => item(data));
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, inner]) => [key, compileValue(inner)] as const);
    return (data) => Object.fromEntries(entries.map(([key, inner]) => [key, inner(data)]));
  }
  return () => value;
}

function typeProblems(name: string, value: unknown, validate: ValidateFunction): string[] {
  if (validate(value)) return [];
  return describeErrors(validate.errors).map((e) => `${name}${e.pointer.replaceAll("/", ".")} ${e.message}`);
}

/** A parameter that is another action (a proposed change): the command it would send, `{service, command, params}`. */
function nested(value: unknown): Evaluator {
  if (nestedShapeProblems(value, "") !== undefined || !isPlainObject(value))
    throw new ValidationError("a proposed change must be one action that sends a command");
  const [type, params] = Object.entries(value)[0]!;
  const spec = ACTION_SPECS[type as ActionType];
  if (spec.target.kind !== "command" || !isPlainObject(params))
    throw new ValidationError(`the proposed ${type} must have its parameters`);
  const { service, command } = spec.target;
  const resolve = compileParams(spec, params);
  return (data) => {
    const outcome = resolve(data);
    if (!outcome.ok) throw new Error(`the proposed ${type}: ${outcome.problems.join("; ")}`);
    return { service, command, params: outcome.params };
  };
}

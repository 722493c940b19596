import { isExpression } from "./logic-guard.js";
import { childPointer } from "./json-pointer.js";
import { isPlainObject } from "./value-preview.js";

/**
 * How a parameter value is read: an expression is evaluated; any other object is a map whose
 * values are read the same way, and an array element by element. So
 * `"prefill": {"appointmentTime": {"var": "slot.start"}}` resolves the inner expression, and
 * `"plan": {"templateName": "maternity-care"}` is a literal.
 */
export function expressionsIn(
  value: unknown,
  pointer: string,
  out: { logic: unknown; pointer: string }[] = [],
): { logic: unknown; pointer: string }[] {
  if (isExpression(value)) out.push({ logic: value, pointer });
  else if (Array.isArray(value))
    value.forEach((item, i) => expressionsIn(item, childPointer(pointer, i), out));
  else if (isPlainObject(value))
    for (const [key, item] of Object.entries(value)) expressionsIn(item, childPointer(pointer, key), out);
  return out;
}

/** The JSON type of a value, as JSON Schema names it. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

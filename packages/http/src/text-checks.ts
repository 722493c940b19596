import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError } from "@switchboard/errors";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be kept, if it cannot: PostgreSQL refuses U+0000 in text and jsonb, and an
 * unpaired surrogate is not Unicode (jsonb refuses it; a text column would silently store U+FFFD).
 */
export function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "must not contain U+0000 (NUL)";
  const lone = LONE_SURROGATE.exec(text)?.[0];
  if (lone === undefined) return undefined;
  const code = lone.charCodeAt(0).toString(16).toUpperCase();
  return `must not contain an unpaired surrogate (U+${code}); text must be valid Unicode`;
}

export type TextFault = { pointer: string; problem: string };

/** Whether any key or string in a JSON value cannot be kept; walks it without building pointers. */
function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === "string") return textProblem(value) !== undefined;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  for (const key in value) {
    if (textProblem(key) !== undefined || holdsUnstorableText((value as Record<string, unknown>)[key])) {
      return true;
    }
  }
  return false;
}

/** The first key or string in a JSON value that cannot be kept, as a JSON pointer and the reason. */
export function findUnstorableText(value: unknown, pointer = ""): TextFault | undefined {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem === undefined ? undefined : { pointer, problem };
  }
  if (value === null || typeof value !== "object") return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const keyProblem = textProblem(key);
    // The key itself cannot be echoed in the pointer, so the fault is reported at its object.
    if (keyProblem !== undefined) return { pointer, problem: `has a property name that ${keyProblem}` };
    const found = findUnstorableText(child, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses path parameters, query values and JSON bodies holding text that cannot be stored, naming
 * where it is, instead of letting the write fail deep inside as a server error. Runs after parsing
 * (so bodies are values) and before schema validation.
 */
export function installTextChecks(app: FastifyInstance): void {
  app.addHook("preValidation", async (request: FastifyRequest) => {
    for (const [part, value] of [
      ["params", request.params],
      ["query", request.query],
      ["body", request.body],
    ] as const) {
      // Every request passes here: the pointer to a fault is worked out only when there is one.
      const fault = holdsUnstorableText(value) ? findUnstorableText(value) : undefined;
      if (fault === undefined) continue;
      const path = part + fault.pointer;
      const message = `${path} ${fault.problem}`;
      throw new ValidationError(message, { details: [{ path, message, keyword: "text" }] });
    }
  });
}

import { parseJsonWithPositions, type Position } from "./json-positions.js";
import type { SourceFile } from "./file-loader.js";
import type { Problem } from "./problems.js";

export type DocumentKind = "rule" | "definition";

/** A parsed file that knows where each of its values was written. */
export interface SourceDocument {
  file: string;
  kind: DocumentKind;
  value: Record<string, unknown>;
  locate(pointer: string): Position;
}

/** Turns problems found by JSON pointer into problems at a line and column of the file. */
export function problemsAt(
  document: SourceDocument,
  found: readonly { path: string; message: string; code: string }[],
): Problem[] {
  return found.map(({ path, message, code }) => ({
    file: document.file,
    position: document.locate(path),
    message,
    code,
  }));
}

/**
 * Parses a file and says what it holds. The name decides when it says (`*.rule.json`,
 * `*.inbound.json`); otherwise the content does: a rule has `on` and `actions`, a definition a
 * `name` and a `schema`.
 */
export function readDocument(source: SourceFile): SourceDocument | Problem[] {
  const parsed = parseJsonWithPositions(source.text);
  if (!parsed.ok)
    return [{ file: source.path, position: parsed.position, message: parsed.message, code: "json" }];
  const { value, locate, duplicates } = parsed;
  // JSON.parse keeps the last of two equal keys; a second "when" would silently replace the first.
  if (duplicates.length > 0)
    return duplicates.map(({ path, message, code }) => ({
      file: source.path,
      position: locate(path),
      message,
      code,
    }));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
    return [
      {
        file: source.path,
        position: locate(""),
        message: `must be a JSON object (a rule or an inbound event definition), not ${what}`,
        code: "kind",
      },
    ];
  }
  const object = value as Record<string, unknown>;
  const kind = kindOf(source.path, object);
  if (kind === undefined) {
    const message =
      'is neither a rule (it would have "on" and "actions") nor an inbound event definition (it would have "name" and "schema")';
    return [{ file: source.path, position: locate(""), message, code: "kind" }];
  }
  return { file: source.path, kind, value: object, locate };
}

function kindOf(path: string, value: Record<string, unknown>): DocumentKind | undefined {
  if (path.endsWith(".rule.json")) return "rule";
  if (path.endsWith(".inbound.json")) return "definition";
  if (Object.hasOwn(value, "on") || Object.hasOwn(value, "actions")) return "rule";
  if (Object.hasOwn(value, "schema") || Object.hasOwn(value, "name")) return "definition";
  return undefined;
}

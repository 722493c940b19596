import {
  duplicateKeyProblems,
  scanJson,
  textPositions,
  type JsonSyntaxError,
  type RuleProblem,
  type TextPosition,
} from "@switchboard/rules";

/** One-based, as editors and compilers print them. */
export type Position = TextPosition;

export type ParsedJson =
  | {
      ok: true;
      value: unknown;
      locate(pointer: string): Position;
      /** Keys given twice, which JSON.parse would silently collapse, each at its second pointer. */
      duplicates: RuleProblem[];
    }
  | { ok: false; message: string; position: Position };

/**
 * Parses JSON and keeps where every value sits, so a problem found later by JSON pointer can be
 * shown at its line and column. A syntax error is a value with its position, not a throw.
 */
export function parseJsonWithPositions(text: string): ParsedJson {
  const scan = scanJson(text);
  const at = textPositions(scan.text);
  if (!scan.ok) return { ok: false, ...describeSyntaxError(scan.text, scan.error, at) };
  const { written } = scan;
  return {
    ok: true,
    value: scan.value,
    duplicates: duplicateKeyProblems(scan),
    locate(pointer) {
      // A problem about a missing member points below anything written: show its nearest written parent.
      for (let current = pointer; ; current = parentPointer(current)) {
        const found = written.get(current);
        if (found !== undefined) return at(found.key ?? found.value);
        if (current === "") return { line: 1, column: 1 };
      }
    },
  };
}

function describeSyntaxError(
  source: string,
  error: JsonSyntaxError,
  at: (offset: number) => Position,
): { message: string; position: Position } {
  switch (error.kind) {
    // Too deep to be a document anyone wrote, though no character in it is wrong.
    case "depth":
      return { message: `cannot be read as JSON: ${error.message}`, position: at(0) };
    case "empty":
      return { message: "not JSON: the file is empty", position: at(error.offset) };
    case "end":
      return {
        message: "not JSON: the file ends before the JSON value is complete",
        position: at(error.offset),
      };
    case "unexpected":
      return describeUnexpected(source, error.offset, at);
  }
}

function describeUnexpected(
  source: string,
  offset: number,
  at: (offset: number) => Position,
): { message: string; position: Position } {
  const found = source[offset] ?? "";
  const before = source.slice(0, offset).trimEnd();
  if ((found === "}" || found === "]") && before.endsWith(",")) {
    return {
      message: `not JSON: a trailing comma before "${found}", which JSON does not allow`,
      position: at(before.length - 1),
    };
  }
  return {
    message: `not JSON: unexpected ${JSON.stringify(found)}${hint(found, before)}`,
    position: at(offset),
  };
}

/** The slips people make most when writing JSON by hand. */
function hint(found: string, before: string): string {
  if (found === "'") return " (JSON strings take double quotes)";
  if (/[A-Za-z_$]/.test(found) && /[{,]$/.test(before)) return " (JSON property names take double quotes)";
  if (found === "/") return " (JSON has no comments)";
  if (found === '"' && /[\w"\]}]$/.test(before)) return " (is a comma missing before it?)";
  return "";
}

/** `/a/b~1c` → `/a`; the root's parent is the root. */
function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

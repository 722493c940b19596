import { err, ok, type Result } from "@switchboard/errors";
import { scanJson, type JsonScan } from "./json-scanner.js";
import { textPositions, type TextPosition } from "./text-position.js";
import type { RuleProblem } from "./types.js";

/**
 * Parses a rule or definition file. Refuses text that is not JSON with the line and column of the
 * first error, and duplicate keys (JSON.parse silently keeps the last one, so a second "when"
 * would quietly replace the first).
 */
export function parseJsonDocument(text: string): Result<unknown, RuleProblem[]> {
  const scan = scanJson(text);
  if (!scan.ok) {
    const { line, column } = textPositions(scan.text)(scan.error.offset);
    return err([
      {
        path: "",
        message: `not valid JSON at line ${line}, column ${column}: ${scan.error.message}`,
        code: "json",
      },
    ]);
  }
  const duplicates = duplicateKeyProblems(scan);
  return duplicates.length > 0 ? err(duplicates) : ok(scan.value);
}

/** One problem for each key given twice in an object, at the pointer of the second. */
export function duplicateKeyProblems(scan: JsonScan & { ok: true }): RuleProblem[] {
  const positionOf = textPositions(scan.text);
  return scan.duplicates.map(({ pointer, offset }) => ({
    path: pointer,
    message: `duplicate key at line ${positionOf(offset).line}: ${pointer} is given twice; JSON keeps only the last`,
    code: "json",
  }));
}

/** Where the value at a JSON pointer starts in the text, to put line numbers on problems. */
export function locatePointer(text: string, pointer: string): TextPosition | undefined {
  const scan = scanJson(text);
  const written = scan.written.get(pointer);
  return written === undefined ? undefined : textPositions(scan.text)(written.value);
}

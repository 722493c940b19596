/// <reference lib="dom" />
import { scanJson, textPositions } from "@switchboard/rules";

/** One finding of a checker, placed in the text. */
export interface Finding {
  from: number;
  to: number;
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** A problem a checker found in a JSON document, at a JSON pointer into it. */
export interface PointedProblem {
  path: string;
  message: string;
}

/**
 * Checks a JSON text the way the editors do: the syntax and duplicate keys first, then `check` on
 * the parsed value; each problem is placed at the line of the value its pointer names (or of its
 * nearest written ancestor, for a member that is missing).
 */
export function lintJson(
  text: string,
  check: (value: unknown) => { errors: PointedProblem[]; warnings?: PointedProblem[] },
): Finding[] {
  const scan = scanJson(text);
  const positionOf = textPositions(scan.text);
  const shift = text.length - scan.text.length; // a byte-order mark the scanner dropped
  if (!scan.ok) {
    const at = scan.error.offset + shift;
    return [
      {
        from: at,
        to: Math.min(at + 1, text.length),
        line: positionOf(scan.error.offset).line,
        severity: "error",
        message: `not valid JSON: ${scan.error.message}`,
      },
    ];
  }
  const place = (offset: number, severity: Finding["severity"], message: string): Finding => {
    const from = offset + shift;
    const lineEnd = text.indexOf("\n", from);
    const to = lineEnd === -1 ? text.length : lineEnd;
    return { from, to, line: positionOf(offset).line, severity, message };
  };
  const located = (problem: PointedProblem, severity: Finding["severity"]): Finding => {
    const written = nearestWritten(scan.written, problem.path);
    return place(written === undefined ? 0 : (written.key ?? written.value), severity, problem.message);
  };
  const found = check(scan.value);
  return [
    ...scan.duplicates.map(({ pointer, offset }) =>
      place(offset, "error", `${pointer} is given twice; JSON keeps only the last`),
    ),
    ...found.errors.map((p) => located(p, "error")),
    ...(found.warnings ?? []).map((w) => located(w, "warning")),
  ];
}

/** The value at the pointer, or at its nearest written ancestor (a missing member's object). */
function nearestWritten<T>(written: ReadonlyMap<string, T>, pointer: string): T | undefined {
  for (let at = pointer; ; at = at.slice(0, at.lastIndexOf("/"))) {
    const found = written.get(at);
    if (found !== undefined || at === "") return found;
  }
}

import jsonSourceMap from "json-source-map";

/** One-based, as editors and compilers print them. */
export interface Position {
  line: number;
  column: number;
}

export type ParsedJson =
  | { ok: true; value: unknown; locate(pointer: string): Position }
  | { ok: false; message: string; position: Position };

/**
 * Parses JSON and keeps where every value sits, so a problem found later by JSON pointer can be
 * shown at its line and column. A syntax error is a value with its position, not a throw.
 */
export function parseJsonWithPositions(text: string): ParsedJson {
  // Editors on Windows save a byte-order mark that JSON itself does not allow.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const offsets = lineOffsets(source);
  const at = (pos: number): Position => positionAt(offsets, pos);
  let parsed: ReturnType<typeof jsonSourceMap.parse>;
  try {
    parsed = jsonSourceMap.parse(source);
  } catch (error) {
    return { ok: false, ...describeSyntaxError(source, error, at) };
  }
  const { data, pointers } = parsed;
  return {
    ok: true,
    value: data,
    locate(pointer) {
      // A problem about a missing member points below anything written: show its nearest written parent.
      for (let current = pointer; ; current = parentPointer(current)) {
        const found = pointers[current];
        if (found !== undefined) return at((found.key ?? found.value).pos);
        if (current === "") return { line: 1, column: 1 };
      }
    },
  };
}

function describeSyntaxError(
  source: string,
  error: unknown,
  at: (pos: number) => Position,
): { message: string; position: Position } {
  const text = error instanceof Error ? error.message : String(error);
  // Nesting deep enough to exhaust the parser's stack is not a syntax error, but it is no document either.
  if (!(error instanceof SyntaxError)) return { message: `cannot be read as JSON: ${text}`, position: at(0) };
  const match = /at position (\d+)/.exec(text);
  if (match === null) {
    const end = source.trimEnd().length;
    return {
      message:
        end === 0
          ? "not JSON: the file is empty"
          : "not JSON: the file ends before the JSON value is complete",
      position: at(end),
    };
  }
  const pos = Number(match[1]);
  const found = source[pos] ?? "";
  const before = source.slice(0, pos).trimEnd();
  if ((found === "}" || found === "]") && before.endsWith(",")) {
    return {
      message: `not JSON: a trailing comma before "${found}", which JSON does not allow`,
      position: at(before.length - 1),
    };
  }
  return {
    message: `not JSON: unexpected ${JSON.stringify(found)}${hint(found, before)}`,
    position: at(pos),
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

function lineOffsets(source: string): number[] {
  const offsets = [0];
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) offsets.push(i + 1);
  return offsets;
}

// Columns count characters, so a tab is one column, as in most compilers' messages.
function positionAt(offsets: number[], pos: number): Position {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((offsets[mid] as number) <= pos) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: pos - (offsets[low] as number) + 1 };
}

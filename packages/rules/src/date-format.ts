import {
  instantOf,
  offsetMinutes,
  utcOf,
  utcWall,
  validWall,
  wallIn,
  zoneOffset,
  type WallClock,
} from "./date-time.js";

/**
 * Date patterns as integrations write them: `MM/dd/yyyy`, `dd/MM/yyyy HH:mm`, `yyyy-MM-dd'T'HH:mm:ssXXX`.
 * Letters are the Unicode (and Java, date-fns) pattern letters, so `MM` is the month and `mm` the
 * minutes; text between single quotes is literal, and every other letter is refused, so a typo is
 * found when the rule is saved rather than on a message.
 */
const TOKENS = ["yyyy", "MM", "M", "dd", "d", "HH", "H", "mm", "ss", "SSS", "XXX"] as const;
type Token = (typeof TOKENS)[number];
type Piece = { token: Token } | { text: string };

/** `iso` stands for ISO 8601 in UTC (`2026-12-03T09:30:00.000Z`); parsing it also takes other offsets. */
export const ISO_FORMAT = "iso";

export type CompiledPattern = { ok: true; pieces: Piece[] } | { ok: false; reason: string };

export function compilePattern(pattern: unknown): CompiledPattern {
  if (typeof pattern !== "string" || pattern.length === 0 || pattern.length > 100)
    return {
      ok: false,
      reason: `a date format is a string of 1 to 100 characters, got ${JSON.stringify(pattern)}`,
    };
  const pieces: Piece[] = [];
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0)
        return { ok: false, reason: `the quote at ${i + 1} of ${JSON.stringify(pattern)} is not closed` };
      pieces.push({ text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      pieces.push({ text: ch });
      i += 1;
      continue;
    }
    const token = TOKENS.find((t) => pattern.startsWith(t, i) && pattern[i + t.length] !== ch);
    if (token === undefined) {
      const run = /^([A-Za-z])\1*/.exec(pattern.slice(i))![0];
      return {
        ok: false,
        reason: `${JSON.stringify(run)} in ${JSON.stringify(pattern)} is not a date field; the fields are ${TOKENS.join(" ")} (text in single quotes)`,
      };
    }
    pieces.push({ token });
    i += token.length;
  }
  return { ok: true, pieces };
}

/** A likely mistake in a pattern that is still valid: `mm/dd/yyyy` reads minutes where the month was meant. */
export function patternWarning(pattern: string): string | undefined {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return undefined;
  const tokens = compiled.pieces.flatMap((p) => ("token" in p ? [p.token] : []));
  const hasHour = tokens.includes("HH") || tokens.includes("H");
  if (tokens.includes("mm") && !hasHour && !tokens.includes("MM") && !tokens.includes("M"))
    return `in the date format ${JSON.stringify(pattern)}, "mm" is the minutes; write "MM" for the month`;
  return undefined;
}

const two = (n: number) => String(n).padStart(2, "0");

/** Each field as text, from the wall clock and its offset from UTC in minutes. */
const WRITE: Record<Token, (wall: WallClock, offset: number) => string> = {
  yyyy: (w) => String(w.year).padStart(4, "0"),
  MM: (w) => two(w.month),
  M: (w) => String(w.month),
  dd: (w) => two(w.day),
  d: (w) => String(w.day),
  HH: (w) => two(w.hour),
  H: (w) => String(w.hour),
  mm: (w) => two(w.minute),
  ss: (w) => two(w.second),
  SSS: (w) => String(w.millisecond).padStart(3, "0"),
  XXX: (_w, offset) =>
    offset === 0
      ? "Z"
      : `${offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`,
};

/** An instant as text in the pattern, on the wall clock of the zone (UTC when none). */
export function formatInstant(ms: number, pieces: Piece[], zone: string | undefined): string {
  const wall = zone === undefined ? utcWall(ms) : wallIn(ms, zone);
  const offset = zone === undefined ? 0 : zoneOffset(ms, zone);
  return pieces.map((piece) => ("text" in piece ? piece.text : WRITE[piece.token](wall, offset))).join("");
}

/** What each field reads when parsing. */
const FIELD: Record<Token, RegExp> = {
  yyyy: /^\d{4}/,
  MM: /^\d{2}/,
  M: /^\d{1,2}/,
  dd: /^\d{2}/,
  d: /^\d{1,2}/,
  HH: /^\d{2}/,
  H: /^\d{1,2}/,
  mm: /^\d{2}/,
  ss: /^\d{2}/,
  SSS: /^\d{3}/,
  XXX: /^(Z|[+-]\d{2}:\d{2})/,
};

/** Text in the pattern read as a wall clock of the zone (or the offset it carries): the instant, or why not. */
export function parseWithPattern(
  text: string,
  pattern: string,
  pieces: Piece[],
  zone: string | undefined,
): { ok: true; ms: number } | { ok: false; reason: string } {
  const wall: WallClock = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
  let offset: number | undefined;
  let rest = text;
  const fail = {
    ok: false as const,
    reason: `${JSON.stringify(text)} does not match the date format ${JSON.stringify(pattern)}`,
  };
  for (const piece of pieces) {
    if ("text" in piece) {
      if (!rest.startsWith(piece.text)) return fail;
      rest = rest.slice(piece.text.length);
      continue;
    }
    const found = FIELD[piece.token].exec(rest);
    if (found === null) return fail;
    rest = rest.slice(found[0].length);
    if (piece.token === "XXX") offset = offsetMinutes(found[0]);
    else setField(wall, piece.token, Number(found[0]));
  }
  if (rest !== "") return fail;
  if (!validWall(wall))
    return { ok: false, reason: `${JSON.stringify(text)} is not a calendar date and time` };
  if (offset !== undefined) return { ok: true, ms: utcOf(wall) - offset * 60_000 };
  return { ok: true, ms: zone === undefined ? utcOf(wall) : instantOf(wall, zone) };
}

function setField(wall: WallClock, token: Exclude<Token, "XXX">, value: number): void {
  if (token === "yyyy") wall.year = value;
  else if (token === "MM" || token === "M") wall.month = value;
  else if (token === "dd" || token === "d") wall.day = value;
  else if (token === "HH" || token === "H") wall.hour = value;
  else if (token === "mm") wall.minute = value;
  else if (token === "ss") wall.second = value;
  else wall.millisecond = value;
}

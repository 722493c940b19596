/**
 * Instants and wall clocks for the date operators: ISO 8601 text in and out, and the wall clock of
 * an IANA time zone from Intl (the tz data Node carries). Pure: no `Date.now()` anywhere, so a rule
 * gives the same answer on a redelivery and in a dry run.
 */

/** The fields of a wall clock (month 1–12). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/** A date-time or date in ISO 8601 (`2026-12-03`, `2026-12-03T09:30:00Z`, `…+01:00`): its instant, or why not. */
export function parseIso(
  text: unknown,
  zone?: string,
): { ok: true; ms: number } | { ok: false; reason: string } {
  if (typeof text !== "string")
    return { ok: false, reason: `expected a date as ISO 8601 text, got ${describe(text)}` };
  const m = ISO.exec(text);
  if (m === null)
    return { ok: false, reason: `${JSON.stringify(text)} is not an ISO 8601 date or date-time` };
  const wall: WallClock = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? "0").slice(0, 3).padEnd(3, "0")),
  };
  if (!validWall(wall))
    return { ok: false, reason: `${JSON.stringify(text)} is not a calendar date and time` };
  const offset = m[8];
  if (offset === undefined) return { ok: true, ms: zone === undefined ? utcOf(wall) : instantOf(wall, zone) };
  return { ok: true, ms: utcOf(wall) - offsetMinutes(offset) * 60_000 };
}

/** `Z` → 0, `+01:00` / `+0100` → 60, `-05:30` → -330. */
export function offsetMinutes(text: string): number {
  if (text === "Z" || text === "z") return 0;
  const digits = text.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return text.startsWith("-") ? -minutes : minutes;
}

export function validWall(w: WallClock): boolean {
  return (
    w.month >= 1 &&
    w.month <= 12 &&
    w.day >= 1 &&
    w.day <= daysInMonth(w.year, w.month) &&
    w.hour <= 23 &&
    w.minute <= 59 &&
    w.second <= 59
  );
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant at which a UTC wall clock shows these fields. */
export function utcOf(w: WallClock): number {
  const date = new Date(0);
  date.setUTCFullYear(w.year, w.month - 1, w.day);
  date.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return date.getTime();
}

export function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** Formatters per zone: made once each (a few dozen zones at most in practice, bounded anyway). */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 500;

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether Intl knows the zone (`Europe/Paris`, `UTC`, `America/New_York`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone.length === 0 || zone.length > 64) return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** What a wall clock in the zone shows at this instant. */
export function wallIn(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(ms)))
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  return {
    year: parts["year"]!,
    month: parts["month"]!,
    day: parts["day"]!,
    hour: parts["hour"]!,
    minute: parts["minute"]!,
    second: parts["second"]!,
    millisecond: new Date(ms).getUTCMilliseconds(),
  };
}

/** The zone's offset from UTC at this instant, in minutes (Paris in winter: 60). */
export function zoneOffset(ms: number, zone: string): number {
  return Math.round((utcOf(wallIn(ms, zone)) - ms) / 60_000);
}

/**
 * The instant at which the zone's wall clock shows these fields. A time skipped by a change to
 * summer time is read with the offset from before the change; a repeated one is the first.
 */
export function instantOf(w: WallClock, zone: string): number {
  const asUtc = utcOf(w);
  const first = asUtc - zoneOffset(asUtc, zone) * 60_000;
  const second = asUtc - zoneOffset(first, zone) * 60_000;
  return Math.min(first, second);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

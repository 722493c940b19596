import { daysInMonth, instantOf, utcOf, utcWall, wallIn } from "./date-time.js";

/**
 * ISO 8601 durations (`P3D`, `PT24H`, `-PT24H`, `P1Y2M`, `P2W`, `PT1.5S`): calendar parts (years,
 * months, weeks, days) move the date on the wall clock, time parts (hours, minutes, seconds) move
 * the instant, so `P1D` across a change to summer time in Paris still lands at the same hour.
 */
export interface Duration {
  sign: 1 | -1;
  months: number;
  days: number;
  ms: number;
}

const DURATION =
  /^([+-])?P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,8})H)?(?:(\d{1,8})M)?(?:(\d{1,8}(?:\.\d{1,3})?)S)?)?$/;

export function parseDuration(text: unknown): { ok: true; value: Duration } | { ok: false; reason: string } {
  const bad = {
    ok: false as const,
    reason: `${JSON.stringify(text)} is not an ISO 8601 duration such as "P3D", "PT24H" or "-PT30M"`,
  };
  if (typeof text !== "string") return bad;
  const m = DURATION.exec(text);
  // "P" and "PT" alone match the pattern but say nothing.
  if (m === null || text.endsWith("P") || text.endsWith("T")) return bad;
  const n = (i: number) => Number(m[i] ?? 0);
  return {
    ok: true,
    value: {
      sign: m[1] === "-" ? -1 : 1,
      months: n(2) * 12 + n(3),
      days: n(4) * 7 + n(5),
      ms: Math.round(((n(6) * 60 + n(7)) * 60 + n(8)) * 1000),
    },
  };
}

/** The instant a duration after (or, negative, before) another, with the calendar parts counted in the zone (UTC when none). */
export function addDuration(ms: number, d: Duration, zone: string | undefined): number {
  let at = ms;
  if (d.months !== 0 || d.days !== 0) {
    const wall = zone === undefined ? utcWall(ms) : wallIn(ms, zone);
    const months = wall.year * 12 + (wall.month - 1) + d.sign * d.months;
    const year = Math.floor(months / 12);
    const month = (months % 12) + 1;
    // 31 January plus a month is the end of February, not 3 March.
    const day = Math.min(wall.day, daysInMonth(year, month));
    const moved = { ...wall, year, month, day };
    const base = zone === undefined ? utcOf(moved) : instantOf(moved, zone);
    at = base + d.sign * d.days * 86_400_000;
    if (zone !== undefined && d.days !== 0) {
      const shifted = wallIn(at, zone);
      at = instantOf({ ...shifted, hour: wall.hour, minute: wall.minute, second: wall.second }, zone);
    }
  }
  return at + d.sign * d.ms;
}

export const DIFF_UNITS: Readonly<Record<string, number>> = Object.freeze({
  milliseconds: 1,
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
});

import { err, ok, type Result } from "@switchboard/errors";

const DURATION = /^(-)?P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;
/** Years or months before the time part. */
const CALENDAR = /^-?P[^T]*\d[YM]/;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000] as const;

/** Timers are for care processes, not centuries: a bound that keeps every date representable. */
export const MAX_DURATION_MS = 3_660 * 86_400_000;

/**
 * An ISO 8601 duration of fixed length, in milliseconds: weeks, days, hours, minutes and whole
 * seconds (`P3D`, `PT24H`, `P1DT12H`, `-PT24H`). Years and months are refused: their length depends
 * on the date they start from and on the time zone, and a timer must fire at one instant. A day is
 * 24 hours (UTC).
 */
export function parseDuration(text: string): Result<number, string> {
  const match = DURATION.exec(text);
  if (match === null || text === "P" || text === "-P" || text.endsWith("T")) {
    if (CALENDAR.test(text))
      return err(
        `${JSON.stringify(text)} uses years or months, whose length varies; write days or weeks (e.g. "P30D")`,
      );
    return err(
      `${JSON.stringify(text)} is not an ISO 8601 duration of weeks, days, hours, minutes and seconds, e.g. "P3D", "PT24H" or "-PT24H"`,
    );
  }
  const [, minus, ...parts] = match;
  const ms = parts.reduce((sum, part, i) => sum + Number(part ?? 0) * UNIT_MS[i]!, 0);
  if (ms > MAX_DURATION_MS)
    return err(`${JSON.stringify(text)} is longer than ${MAX_DURATION_MS / 86_400_000} days`);
  return ok(minus === undefined ? ms : -ms);
}

import { err, ok, type Result } from "@switchboard/errors";
import { parseDuration as parseIsoDuration } from "./duration.js";

/** Timers are for care processes, not centuries: a bound that keeps every date representable. */
export const MAX_DURATION_MS = 3_660 * 86_400_000;

/**
 * An ISO 8601 duration of fixed length, in milliseconds: weeks, days, hours, minutes and seconds
 * (`P3D`, `PT24H`, `P1DT12H`, `-PT24H`), read by the same parser as `date_add`'s durations. Years
 * and months are refused: their length depends on the date they start from and on the time zone,
 * and a timer must fire at one instant. A day is 24 hours (UTC).
 */
export function parseDuration(text: string): Result<number, string> {
  const parsed = parseIsoDuration(text);
  if (!parsed.ok)
    return err(
      `${JSON.stringify(text)} is not an ISO 8601 duration of weeks, days, hours, minutes and seconds, e.g. "P3D", "PT24H" or "-PT24H"`,
    );
  const { sign, months, days, ms: timePart } = parsed.value;
  if (months !== 0)
    return err(
      `${JSON.stringify(text)} uses years or months, whose length varies; write days or weeks (e.g. "P30D")`,
    );
  const ms = days * 86_400_000 + timePart;
  if (ms > MAX_DURATION_MS)
    return err(`${JSON.stringify(text)} is longer than ${MAX_DURATION_MS / 86_400_000} days`);
  return ok(sign * ms);
}

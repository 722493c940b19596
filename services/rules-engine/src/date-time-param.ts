import { ValidationError } from "@switchboard/errors";

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A date-time with a zone (ISO 8601, `2026-12-03T09:30:00Z`) given in a request, as an instant.
 * The error names the parameter and the value it got, so a caller sees which of several was wrong.
 */
export function parseDateTimeParam(name: string, text: string): Date {
  const parts = DATE_TIME.exec(text);
  const time = Date.parse(text);
  if (
    parts === null ||
    Number.isNaN(time) ||
    !realDay(Number(parts[1]), Number(parts[2]), Number(parts[3]))
  ) {
    throw new ValidationError(
      `${name} must be a date-time with a zone, e.g. 2026-12-03T09:30:00Z; got ${JSON.stringify(text)}`,
      { details: [{ path: `/${name}`, message: "must be a date-time with a zone", keyword: "format" }] },
    );
  }
  return new Date(time);
}

/** Date.parse rolls 2026-02-30 over to March 2; the day written must exist. */
const realDay = (year: number, month: number, day: number) =>
  month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();

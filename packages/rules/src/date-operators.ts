import { closest } from "./did-you-mean.js";
import {
  compilePattern,
  formatInstant,
  ISO_FORMAT,
  parseWithPattern,
  patternWarning,
} from "./date-format.js";
import { isTimeZone, parseIso } from "./date-time.js";
import { addDuration, DIFF_UNITS, parseDuration } from "./duration.js";
import type { ExtensionOperator, Problems } from "./extension-types.js";
import { messageTime } from "./evaluation-clock.js";

/**
 * Date operators: parse and format dates in patterns and time zones, add durations, measure the
 * time between two dates, and the message's time (`now`). Dates go between operators as ISO 8601
 * text in UTC, which also compares in order with `<` and `>`.
 */
export const DATE_OPERATORS: Readonly<Record<string, ExtensionOperator>> = {
  // {"date_parse": [text, format, zone?]}: "12/03/2026" with "MM/dd/yyyy" → "2026-12-03T00:00:00.000Z".
  date_parse: {
    check: formatArgs("the text, its format and an optional time zone"),
    run: ([text, format, zone]) => {
      if (typeof text !== "string")
        throw new Error(`date_parse needs text, got ${JSON.stringify(text ?? null)}`);
      const tz = zoneOf("date_parse", zone);
      const parsed =
        format === ISO_FORMAT
          ? parseIso(text, tz)
          : parseWithPattern(text, String(format), pattern("date_parse", format), tz);
      if (!parsed.ok) throw new Error(`date_parse: ${parsed.reason}`);
      return new Date(parsed.ms).toISOString();
    },
  },
  // {"date_format": [date, format, zone?]}: "2026-12-03T09:30:00Z" with "dd/MM/yyyy HH:mm" in "Europe/Paris" → "03/12/2026 10:30".
  date_format: {
    check: formatArgs("the date, the format and an optional time zone"),
    run: ([date, format, zone]) => {
      const ms = instant("date_format", date);
      const tz = zoneOf("date_format", zone);
      if (format === ISO_FORMAT)
        return tz === undefined ? new Date(ms).toISOString() : formatInstant(ms, ISO_PIECES, tz);
      return formatInstant(ms, pattern("date_format", format), tz);
    },
  },
  // {"date_add": [date, duration, zone?]}: "2026-12-03T09:30:00Z" and "-PT24H" → "2026-12-02T09:30:00.000Z".
  date_add: {
    check: (args, problems) => {
      problems.arity(
        2,
        3,
        "the date, an ISO 8601 duration and an optional time zone for its days and months",
      );
      if (isLiteral(args[1])) {
        const parsed = parseDuration(args[1]);
        if (!parsed.ok) problems.at(1).add(`date_add: ${parsed.reason}`);
      }
      checkZone(args[2], problems.at(2));
    },
    run: ([date, duration, zone]) => {
      const parsed = parseDuration(duration);
      if (!parsed.ok) throw new Error(`date_add: ${parsed.reason}`);
      return new Date(
        addDuration(instant("date_add", date), parsed.value, zoneOf("date_add", zone)),
      ).toISOString();
    },
  },
  // {"date_diff": [from, to, unit]}: the time from one date to the other (negative when `to` is earlier), in the unit.
  date_diff: {
    check: (args, problems) => {
      problems.arity(3, 3, `two dates and a unit (${Object.keys(DIFF_UNITS).join(", ")})`);
      if (isLiteral(args[2]) && !(typeof args[2] === "string" && Object.hasOwn(DIFF_UNITS, args[2]))) {
        const hint = typeof args[2] === "string" ? closest(args[2], Object.keys(DIFF_UNITS)) : undefined;
        problems
          .at(2)
          .add(
            `date_diff: unit ${JSON.stringify(args[2])} is not one of ${Object.keys(DIFF_UNITS).join(", ")}${hint === undefined ? "" : ` (did you mean ${JSON.stringify(hint)}?)`}`,
          );
      }
    },
    run: ([from, to, unit]) => {
      if (typeof unit !== "string" || !Object.hasOwn(DIFF_UNITS, unit))
        throw new Error(
          `date_diff: unit ${JSON.stringify(unit ?? null)} is not one of ${Object.keys(DIFF_UNITS).join(", ")}`,
        );
      return (instant("date_diff", to) - instant("date_diff", from)) / DIFF_UNITS[unit]!;
    },
  },
  // {"now": []}: the time of the message being evaluated (its stream time, or a system event's occurredAt).
  now: {
    readsClock: true,
    check: (_args, problems) => problems.arity(0, 0, "no arguments"),
    run: () => new Date(messageTime()).toISOString(),
  },
};

const ISO_PIECES = (() => {
  const compiled = compilePattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.pieces;
})();

const isLiteral = (value: unknown) => value === null || typeof value !== "object";

/** The checks of [value, format, zone?]. */
function formatArgs(shape: string): ExtensionOperator["check"] {
  return (args, problems) => {
    problems.arity(2, 3, shape);
    checkFormat(args[1], problems.at(1));
    checkZone(args[2], problems.at(2));
  };
}

function checkFormat(format: unknown, problems: Problems): void {
  if (!isLiteral(format) || format === ISO_FORMAT) return;
  const compiled = compilePattern(format);
  if (!compiled.ok) return problems.add(compiled.reason);
  const warning = patternWarning(format as string);
  if (warning !== undefined) problems.add(warning);
}

function checkZone(zone: unknown, problems: Problems): void {
  if (zone === undefined || !isLiteral(zone) || isTimeZone(zone)) return;
  const hint = typeof zone === "string" ? closest(zone, Intl.supportedValuesOf("timeZone")) : undefined;
  problems.add(
    `${JSON.stringify(zone)} is not a time zone; write an IANA name such as "Europe/Paris" or "UTC"${hint === undefined ? "" : ` (did you mean ${JSON.stringify(hint)}?)`}`,
  );
}

function instant(op: string, date: unknown): number {
  const parsed = parseIso(date);
  if (!parsed.ok) throw new Error(`${op}: ${parsed.reason}`);
  return parsed.ms;
}

function zoneOf(op: string, zone: unknown): string | undefined {
  if (zone === undefined || zone === null) return undefined;
  if (!isTimeZone(zone)) throw new Error(`${op}: ${JSON.stringify(zone)} is not a time zone`);
  return zone;
}

function pattern(op: string, format: unknown) {
  const compiled = compilePattern(format);
  if (!compiled.ok) throw new Error(`${op}: ${compiled.reason}`);
  return compiled.pieces;
}

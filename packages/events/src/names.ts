import { InvalidNameError } from "@switchboard/errors";

/**
 * A subject-safe token. NATS gives `.`, `*`, `>` and whitespace meaning inside a subject, so a
 * name that carried one could widen a subscription past its org: the subject layout is the
 * tenancy boundary, and this pattern is what keeps it one.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TOKEN_MAX_LENGTH = 64;
/** Inbound names are dotted tokens (`scheduling.slotBooked`) so a third party can group its events. */
export const INBOUND_NAME_MAX_LENGTH = 128;

const TOKEN_RULE = `1 to ${TOKEN_MAX_LENGTH} characters of A-Z, a-z, 0-9, "_" or "-"`;
const INBOUND_RULE = `at most ${INBOUND_NAME_MAX_LENGTH} characters: tokens (${TOKEN_RULE}) joined by single dots`;

export function isToken(value: unknown): value is string {
  return typeof value === "string" && TOKEN_PATTERN.test(value);
}

/** Tokens joined by single dots; one pattern rather than a split per check (ingress checks every request's). */
const INBOUND_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64})*$/;

export function isInboundName(value: unknown): value is string {
  return (
    typeof value === "string" && value.length <= INBOUND_NAME_MAX_LENGTH && INBOUND_NAME_PATTERN.test(value)
  );
}

export function assertNamespace(value: unknown): string {
  return assertName("namespace", value, isToken(value), TOKEN_RULE);
}

export function assertOrgId(value: unknown): string {
  return assertName("orgId", value, isToken(value), TOKEN_RULE);
}

export function assertEventType(value: unknown): string {
  return assertName("event type", value, isToken(value), TOKEN_RULE);
}

export function assertInboundName(value: unknown): string {
  return assertName("inbound event name", value, isInboundName(value), INBOUND_RULE);
}

/** Used by the subject builders for the other tokens (service, command, DLQ stage). */
export function assertToken(what: string, value: unknown): string {
  return assertName(what, value, isToken(value), TOKEN_RULE);
}

function assertName(what: string, value: unknown, valid: boolean, rule: string): string {
  if (valid) return value as string;
  throw new InvalidNameError(`${what} ${describe(value)} is invalid: it must be ${rule}`, {
    details: { name: what, rule },
  });
}

/** Quoted and cut short, so a hostile or huge value cannot flood a log line or an error body. */
function describe(value: unknown): string {
  if (typeof value !== "string") return `of type ${value === null ? "null" : typeof value}`;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return `${JSON.stringify(shown)}${value.length > 80 ? ` (${value.length} characters)` : ""}`;
}

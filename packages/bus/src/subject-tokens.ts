import { InvalidNameError } from "@switchboard/errors";

/** What may stand in one subject token: no dots, wildcards, spaces or control characters. */
const SAFE_TOKEN = /^[A-Za-z0-9_-]+$/;

/** Org token used when a subject does not carry a usable one, so a dead letter is never lost. */
export const UNKNOWN_ORG = "_unknown";

export function isSafeToken(value: string): boolean {
  return SAFE_TOKEN.test(value);
}

/** Configuration-time check: a bad namespace or service name is a programming error. */
export function assertSafeToken(value: string, what: string): void {
  if (!isSafeToken(value)) {
    throw new InvalidNameError(`${what} must match ${SAFE_TOKEN.source}, got ${JSON.stringify(value)}`);
  }
}

/** The org of `<ns>.<kind>.<org>.…`, or `_unknown` when missing or unsafe. */
export function orgOfSubject(subject: string): string {
  const org = subject.split(".")[2];
  return org !== undefined && isSafeToken(org) ? org : UNKNOWN_ORG;
}

/** A stage name made fit for a subject token (the header keeps the original). */
export function stageToken(stage: string): string {
  const token = stage.replace(/[^A-Za-z0-9_-]/g, "_");
  return token === "" ? "_unknown" : token;
}

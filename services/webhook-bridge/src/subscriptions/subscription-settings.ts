import type { Infer } from "@switchboard/contracts";
import { ValidationError } from "@switchboard/errors";
import { validateRetrySchedule, type Resolve } from "@switchboard/webhooks";
import type { SubscriptionSettings } from "../contracts.js";
import { checkDestinationAuth } from "./destination-auth.js";
import { checkDestinationUrl } from "./destination-url.js";
import { checkFilter, checkMapping } from "./event-mapping.js";
import { checkEventTypes } from "./event-types.js";
import type { createBody } from "./webhooks.schemas.js";

/** A request body's settings, typed by the route schema but not yet checked for meaning. */
export type SettingsInput = Partial<Infer<typeof createBody>>;

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface SettingsChecks {
  allowlist: readonly string[];
  resolve?: Resolve;
}

/**
 * Checks the settings a request gives and fills in the rest from `base` (the saved subscription),
 * or from the defaults on create. Only what changes is checked again: a saved URL is not refused
 * because the allowlist shrank since (deliveries check it each time).
 */
export async function checkSettings(
  input: SettingsInput,
  base: SubscriptionSettings | undefined,
  checks: SettingsChecks,
): Promise<SubscriptionSettings> {
  const given = <K extends keyof SettingsInput>(key: K): boolean => Object.hasOwn(input, key);
  if (base === undefined && (input.url === undefined || input.eventTypes === undefined))
    throw new ValidationError("url and eventTypes are required");
  return {
    url: given("url") ? await checkDestinationUrl(input.url!, checks.allowlist, checks.resolve) : base!.url,
    description: given("description") ? (input.description ?? null) : (base?.description ?? null),
    eventTypes: given("eventTypes") ? checkEventTypes(input.eventTypes!) : base!.eventTypes,
    filter: given("filter") ? nullOr(input.filter, checkFilter) : (base?.filter ?? null),
    mapping: given("mapping") ? nullOr(input.mapping, checkMapping) : (base?.mapping ?? null),
    auth: given("auth") ? nullOr(input.auth, checkDestinationAuth) : (base?.auth ?? null),
    retrySchedule: given("retrySchedule")
      ? nullOr(input.retrySchedule, checkRetrySchedule)
      : (base?.retrySchedule ?? null),
    timeoutMs: input.timeoutMs ?? base?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    rateLimitPerSecond: given("rateLimitPerSecond")
      ? (input.rateLimitPerSecond ?? null)
      : (base?.rateLimitPerSecond ?? null),
    ordered: input.ordered ?? base?.ordered ?? false,
  };
}

function nullOr<T>(value: unknown, check: (value: unknown) => T): T | null {
  return value === null || value === undefined ? null : check(value);
}

function checkRetrySchedule(value: unknown): number[] {
  const checked = validateRetrySchedule(value);
  if (checked.ok) return checked.value;
  const message = `retrySchedule: ${checked.error}`;
  throw new ValidationError(message, { details: [{ path: "body/retrySchedule", message }] });
}

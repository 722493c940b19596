import type { ActionView } from "./action.repository.js";

export const STATUSES = ["open", "retried", "resolved"] as const;
export type EntryStatus = (typeof STATUSES)[number];

/** Resolved is final; otherwise an entry is retried once it has been retried at least once. */
export function statusOf(trail: readonly ActionView[]): EntryStatus {
  if (trail.some((a) => a.action === "resolved")) return "resolved";
  if (trail.some((a) => a.action === "retried")) return "retried";
  return "open";
}

/** How many retries the trail holds: the next one is number `retryCount + 1`. */
export function retryCount(trail: readonly ActionView[]): number {
  return trail.filter((a) => a.action === "retried").length;
}

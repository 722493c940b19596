import type { Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import { startSweeps, type Sweeps } from "@switchboard/runtime";
import { deleteAttemptsBefore } from "./delivery-attempt.repository.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** Deletes delivery attempts older than `retentionMs`, every `everyMs` and once soon after start. */
export function startAttemptRetention(options: {
  db: Kysely<WebhookBridgeDB>;
  logger: Logger;
  now: () => Date;
  retentionMs: number;
  everyMs: number;
}): Sweeps {
  return startSweeps({
    sweeps: [
      {
        what: "webhook delivery attempts",
        retentionMs: options.retentionMs,
        run: (before) => deleteAttemptsBefore(options.db, before),
      },
    ],
    everyMs: options.everyMs,
    now: options.now,
    logger: options.logger,
  });
}

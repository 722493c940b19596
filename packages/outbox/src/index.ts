export {
  deleteOutboxRowsBefore,
  outboxMigration,
  outboxRetentionMigration,
  outboxSetAsideMigration,
} from "./outbox.table.js";
export type { OutboxRow, OutboxTables } from "./outbox.table.js";
export { enqueueEvent, enqueueEvents, enqueuingClaimedEvents, enqueuingEvents } from "./enqueue.js";
export type { OutboxClaim, OutboxMessage } from "./enqueue.js";
export { createOutboxRelay } from "./outbox-relay.js";
export type { OutboxRelay, OutboxRelayOptions, OutboxPublisher } from "./outbox-relay.js";
export type { OutboxHandoff } from "./outbox-handoff.js";
export { emitClaimedEvents, emitEvent, emitEvents } from "./emit.js";
export type { EventSource, EventCause, EventToEmit } from "./emit.js";

export {
  deleteOutboxRowsBefore,
  outboxMigration,
  outboxRetentionMigration,
  outboxSetAsideMigration,
} from "./outbox.table.js";
export type { OutboxRow, OutboxTables } from "./outbox.table.js";
export { enqueueEvent, enqueueEvents, enqueuingEvents } from "./enqueue.js";
export type { OutboxMessage } from "./enqueue.js";
export { createOutboxRelay } from "./outbox-relay.js";
export type { OutboxRelay, OutboxRelayOptions, OutboxPublisher } from "./outbox-relay.js";
export { emitEvent, emitEvents } from "./emit.js";
export type { EventSource, EventCause, EventToEmit } from "./emit.js";

export { createTestDatabase, adminDatabaseUrl } from "./database.js";
export type { TestDatabase } from "./database.js";
export { waitFor } from "./wait.js";
export { startNatsServer } from "./nats-server.js";
export type { NatsServer, StartNatsServerOptions } from "./nats-server.js";
export { startNatsCluster } from "./nats-cluster.js";
export type { NatsCluster } from "./nats-cluster.js";

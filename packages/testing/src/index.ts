export { createTestDatabase, adminDatabaseUrl } from "./database.js";
export type { TestDatabase } from "./database.js";
export { waitFor } from "./wait.js";

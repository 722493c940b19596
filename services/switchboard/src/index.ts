export { requireHttp, runSwitchboard, serviceFactories } from "./compose.js";
export type { RunningSwitchboard, SwitchboardOptions } from "./compose.js";
export { startLocalPostgres } from "./local-postgres.js";
export type { LocalPostgres } from "./local-postgres.js";
export { findPostgresBinaries } from "./postgres-binaries.js";
export type { PostgresBinaries } from "./postgres-binaries.js";

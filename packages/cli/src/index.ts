export { runCli } from "./cli.js";
export type { CliIo } from "./io.js";
export { ExitCodes } from "./errors.js";
export type { ExitCode } from "./errors.js";

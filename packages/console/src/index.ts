export { buildConsole, consoleIsStale, ensureConsoleBuilt, CONSOLE_DIR, CONSOLE_FILES } from "./build.js";
export type { BuiltConsole } from "./build.js";
export { consoleRoutes, CONSOLE_PATH, CONSOLE_CSP, CONSOLE_HEADERS } from "./serve.js";
export { createConsoleService } from "./service.js";
export type { ConsoleService } from "./service.js";

import type { FastifyInstance } from "fastify";
import { CONSOLE_DIR, ensureConsoleBuilt } from "./build.js";
import { consoleRoutes } from "./serve.js";

/** The console as the runner composes it: routes only, built first when missing or stale. */
export interface ConsoleService {
  name: "console";
  routes(app: FastifyInstance): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createConsoleService(options: { dir?: string; onBuilt?: () => void } = {}): ConsoleService {
  const dir = options.dir ?? CONSOLE_DIR;
  return {
    name: "console",
    async routes(app) {
      if (await ensureConsoleBuilt(dir)) options.onBuilt?.();
      await consoleRoutes(app, dir);
    },
    start: async () => {},
    stop: async () => {},
  };
}

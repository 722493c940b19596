import { serveCommands, type CommandServer } from "@switchboard/bus";
import type { ImplementedCommands } from "./implement-commands.js";
import type { ServiceContext } from "./service.js";

/** Serves a service's commands over NATS (queue group per service) and to services in this process. */
export function serveServiceCommands(ctx: ServiceContext, commands: ImplementedCommands): CommandServer {
  const { service, handlers } = commands;
  ctx.localCommands.register(service, handlers);
  const server = serveCommands(ctx.nc, {
    namespace: ctx.config.namespace,
    service,
    handlers,
    logger: ctx.logger,
  });
  return {
    async stop() {
      ctx.localCommands.unregister(service);
      await server.stop();
    },
  };
}

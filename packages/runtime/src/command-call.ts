import type { NatsConnection } from "@nats-io/transport-node";
import { sendCommand, type CommandRequest } from "@switchboard/bus";
import { ErrorCodes, SwitchboardError, isSwitchboardError, type ErrorCode } from "@switchboard/errors";
import type { LocalCommands } from "./local-commands.js";

export type CommandCaller = <T>(service: string, command: string, request: CommandRequest) => Promise<T>;

/**
 * Calls another service's command and returns its result, or throws its failure as a SwitchboardError
 * with the same code, so a NOT_FOUND from plans is a 404 at this service's edge too. A service running
 * in this process is called directly, with the same JSON round trip as over the wire.
 */
export function commandCaller(
  nc: NatsConnection,
  namespace: string,
  local: LocalCommands,
  timeoutMs = 5_000,
): CommandCaller {
  return async <T>(service: string, command: string, request: CommandRequest): Promise<T> => {
    const handler = local.find(service, command);
    if (handler !== undefined) {
      try {
        const result = await handler(JSON.parse(JSON.stringify(request)) as CommandRequest);
        return (result === undefined ? undefined : JSON.parse(JSON.stringify(result))) as T;
      } catch (error) {
        if (isSwitchboardError(error)) throw error;
        throw new SwitchboardError(ErrorCodes.Internal, `${service}.${command} failed`, { cause: error });
      }
    }
    const reply = await sendCommand<T>(nc, { namespace, service, command, request, timeoutMs });
    if (reply.ok) return reply.value;
    throw new SwitchboardError(reply.error.code as ErrorCode, reply.error.message, {
      details: reply.error.details,
    });
  };
}

import type { NatsConnection } from "@nats-io/transport-node";
import { sendCommand, type CommandRequest } from "@switchboard/bus";
import { SwitchboardError, type ErrorCode } from "@switchboard/errors";

export type CommandCaller = <T>(service: string, command: string, request: CommandRequest) => Promise<T>;

/**
 * Calls another service's command and returns its result, or throws its failure as a SwitchboardError
 * with the same code, so a NOT_FOUND from plans is a 404 at this service's edge too.
 */
export function commandCaller(nc: NatsConnection, namespace: string, timeoutMs = 5_000): CommandCaller {
  return async <T>(service: string, command: string, request: CommandRequest): Promise<T> => {
    const reply = await sendCommand<T>(nc, { namespace, service, command, request, timeoutMs });
    if (reply.ok) return reply.value;
    throw new SwitchboardError(reply.error.code as ErrorCode, reply.error.message, { details: reply.error.details });
  };
}

import type { NatsConnection } from "@nats-io/transport-node";
import { sendCommand, type CommandRequest } from "@switchboard/bus";
import { jsonCopy } from "@switchboard/canonical-json";
import { ErrorCodes, SwitchboardError, isSwitchboardError, type ErrorCode } from "@switchboard/errors";
import type { CommandTransport } from "@switchboard/contracts";
import type { LocalCommands } from "./local-commands.js";

/**
 * Sends any service's command by name and answers what it answered, untyped: what the typed clients
 * of `@switchboard/contracts` send through, and what runs rules' actions, whose targets are data.
 */
export type CommandCaller = CommandTransport;

/**
 * Calls another service's command and returns its result, or throws its failure as a SwitchboardError
 * with the same code, so a NOT_FOUND from plans is a 404 at this service's edge too. A service running
 * in this process is called directly, with the request and the result as a JSON round trip would
 * give them (`jsonCopy`: the same values as over the wire, without writing and parsing the text).
 */
export function commandCaller(
  nc: NatsConnection,
  namespace: string,
  local: LocalCommands,
  timeoutMs = 5_000,
): CommandCaller {
  return async (service: string, command: string, request: CommandRequest): Promise<unknown> => {
    const handler = local.find(service, command);
    if (handler !== undefined) {
      try {
        const result = await handler(jsonCopy(request) as CommandRequest);
        return jsonCopy(result);
      } catch (error) {
        if (isSwitchboardError(error)) throw error;
        throw new SwitchboardError(ErrorCodes.Internal, `${service}.${command} failed`, { cause: error });
      }
    }
    const reply = await sendCommand<unknown>(nc, { namespace, service, command, request, timeoutMs });
    if (reply.ok) return reply.value;
    throw new SwitchboardError(reply.error.code as ErrorCode, reply.error.message, {
      details: reply.error.details,
    });
  };
}

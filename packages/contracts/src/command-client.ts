import type { CommandFunctions, CommandRequestOf, Contract } from "./contract.js";

/** Carries one command to its service and back (over NATS, or in-process); knows no types. */
export type CommandTransport = (
  service: string,
  command: string,
  request: CommandRequestOf<unknown>,
) => Promise<unknown>;

/**
 * A typed client of one service: one function per command of its contract, each sending through
 * the transport. Made from the contract's own command list, so no name is written twice.
 */
export function commandClient<C extends Contract>(send: CommandTransport, contract: C): CommandFunctions<C> {
  const client: Record<string, (request: CommandRequestOf<unknown>) => Promise<unknown>> = {};
  for (const command of Object.keys(contract.commands)) {
    client[command] = (request) => send(contract.service, command, request);
  }
  return Object.freeze(client) as unknown as CommandFunctions<C>;
}

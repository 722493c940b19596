import { commandClient, type CommandTransport } from "./command-client.js";
import type { CommandFunctions, Contract } from "./contract.js";
import { formsContract } from "./forms.contract.js";
import { plansContract } from "./plans.contract.js";
import { rulesEngineContract } from "./rules-engine.contract.js";
import { tenancyContract } from "./tenancy.contract.js";
import { webhookBridgeContract } from "./webhook-bridge.contract.js";
import { workQueuesContract } from "./work-queues.contract.js";

type ByService<T extends readonly Contract[]> = { readonly [C in T[number] as C["service"]]: C };

function byService<const T extends readonly Contract[]>(contracts: T): ByService<T> {
  return Object.freeze(Object.fromEntries(contracts.map((c) => [c.service, c]))) as ByService<T>;
}

/** Every service's command contract, by service name. */
export const CONTRACTS = byService([
  plansContract,
  formsContract,
  workQueuesContract,
  tenancyContract,
  rulesEngineContract,
  webhookBridgeContract,
]);

export type ServiceName = keyof typeof CONTRACTS;

/** A typed client of every service: `commands.plans.getPlan({ orgId, params: { planId } })`. */
export type Commands = { readonly [S in ServiceName]: CommandFunctions<(typeof CONTRACTS)[S]> };

export function commandClients(send: CommandTransport): Commands {
  const clients = Object.fromEntries(
    Object.values(CONTRACTS).map((contract: Contract) => [contract.service, commandClient(send, contract)]),
  );
  return Object.freeze(clients) as unknown as Commands;
}

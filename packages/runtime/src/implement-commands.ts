import type { CommandHandler, CommandRequest } from "@switchboard/bus";
import type { CommandFunctions, CommandSpec, Contract } from "@switchboard/contracts";
import { compileParamsValidator } from "@switchboard/events";

/** A service's command handlers, checked against its contract and validating params by its schemas. */
export interface ImplementedCommands {
  readonly service: string;
  readonly handlers: Readonly<Record<string, CommandHandler>>;
}

/**
 * Implements a contract: one handler per command, typed by the contract's schemas (a handler that
 * takes other params or answers another shape does not compile). Each request's params are checked
 * against the command's schema first; a bad one is a ValidationError naming `<command> params`.
 */
export function implement<C extends Contract>(
  contract: C,
  handlers: CommandFunctions<C>,
): ImplementedCommands {
  const untyped = handlers as unknown as Record<string, (req: CommandRequest) => Promise<unknown>>;
  const checked: Record<string, CommandHandler> = {};
  for (const [command, spec] of Object.entries(contract.commands as Record<string, CommandSpec>)) {
    const check = compileParamsValidator(spec.params, `${command} params`);
    const handler = untyped[command]!;
    checked[command] = (req) => handler({ ...req, params: check(req.params) });
  }
  return Object.freeze({ service: contract.service, handlers: Object.freeze(checked) });
}

import type { CommandRequestOf } from "@switchboard/contracts";

/** What every command carries; `params` is the command's own input, checked by the service. */
export type CommandRequest = CommandRequestOf<unknown>;

export interface CommandFailure {
  code: string;
  message: string;
  details?: unknown;
}

export type CommandHandler = (req: CommandRequest) => Promise<unknown>;

/** The reply on the wire. */
export type CommandReply = { ok: true; result: unknown } | { ok: false; error: CommandFailure };

export function commandSubject(namespace: string, service: string, command: string): string {
  return `${namespace}.cmd.${service}.${command}`;
}

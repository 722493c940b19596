/** What every command carries; `params` is the command's own input. */
export interface CommandRequest {
  orgId: string;
  /** The service stores it with the result: a repeat returns the first result and changes nothing. */
  idempotencyKey?: string;
  requestedBy?: string;
  traceId?: string;
  params: unknown;
}

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

import { RequestError, TimeoutError, type NatsConnection } from "@nats-io/nats-core";
import { ErrorCodes, err, ok, type Result } from "@switchboard/errors";
import { commandSubject, type CommandFailure, type CommandRequest } from "./command-types.js";
import { isSafeToken } from "./subject-tokens.js";

export interface SendCommandOptions {
  namespace: string;
  service: string;
  command: string;
  request: CommandRequest;
  /** Default 5000. */
  timeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends a command and returns the service's answer; transport failures are values too. */
export async function sendCommand<T>(
  nc: NatsConnection,
  opts: SendCommandOptions,
): Promise<Result<T, CommandFailure>> {
  const { namespace, service, command } = opts;
  const bad = [namespace, service, command].find((token) => !isSafeToken(token));
  if (bad !== undefined)
    return err({ code: ErrorCodes.Validation, message: `invalid subject token ${JSON.stringify(bad)}` });
  const subject = commandSubject(namespace, service, command);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  try {
    const msg = await nc.request(subject, encoder.encode(JSON.stringify(opts.request)), {
      timeout: timeoutMs,
    });
    return parseReply<T>(msg.data, subject);
  } catch (error) {
    return err(transportFailure(error, subject, timeoutMs));
  }
}

function parseReply<T>(data: Uint8Array, subject: string): Result<T, CommandFailure> {
  try {
    const body = JSON.parse(decoder.decode(data)) as {
      ok?: unknown;
      result?: T;
      error?: Partial<CommandFailure>;
    };
    if (body.ok === true) return ok(body.result as T);
    if (body.ok === false && typeof body.error?.code === "string") {
      const { code, message, details } = body.error;
      return err({ code, message: String(message ?? ""), ...(details === undefined ? {} : { details }) });
    }
  } catch {
    // fall through: not JSON
  }
  return err({ code: ErrorCodes.Internal, message: `malformed reply to ${subject}` });
}

function transportFailure(error: unknown, subject: string, timeoutMs: number): CommandFailure {
  if (error instanceof TimeoutError) {
    return { code: ErrorCodes.Timeout, message: `no reply to ${subject} within ${timeoutMs} ms` };
  }
  if (error instanceof RequestError && error.isNoResponders()) {
    return { code: ErrorCodes.Unavailable, message: `no service answers ${subject}` };
  }
  return {
    code: ErrorCodes.Unavailable,
    message: `${subject}: ${error instanceof Error ? error.message : String(error)}`,
  };
}

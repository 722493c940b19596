import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import { withTrace, type Logger } from "@switchboard/logger";
import { parseCommandRequest } from "./command-request.js";
import { commandSubject, type CommandHandler, type CommandReply } from "./command-types.js";
import { assertSafeToken } from "./subject-tokens.js";

export interface ServeCommandsOptions {
  namespace: string;
  service: string;
  /** Keyed by command name, the last subject token. */
  handlers: Record<string, CommandHandler>;
  logger: Logger;
}

export interface CommandServer {
  /** Stops taking requests and waits for the ones being answered. */
  stop(): Promise<void>;
}

const encoder = new TextEncoder();

/** Answers `<ns>.cmd.<service>.*` in the queue group `<service>`, so replicas share the load. */
export function serveCommands(nc: NatsConnection, opts: ServeCommandsOptions): CommandServer {
  assertSafeToken(opts.namespace, "namespace");
  assertSafeToken(opts.service, "service");
  for (const name of Object.keys(opts.handlers)) assertSafeToken(name, "command name");
  const logger = opts.logger.child({ commands: opts.service });
  const answering = new Set<Promise<void>>();
  const sub = nc.subscribe(commandSubject(opts.namespace, opts.service, "*"), {
    queue: opts.service,
    callback: (error, msg) => {
      if (error) {
        logger.error({ err: error }, "command subscription failed");
        return;
      }
      const p: Promise<void> = answer(msg, opts.handlers, logger)
        .catch((e: unknown) => logger.error({ err: e, subject: msg.subject }, "could not answer a command"))
        .finally(() => answering.delete(p));
      answering.add(p);
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (!nc.isClosed() && !sub.isClosed()) await sub.drain();
    while (answering.size > 0) await Promise.all(answering);
  };
  return { stop: () => (stopped ??= stop()) };
}

async function answer(msg: Msg, handlers: Record<string, CommandHandler>, logger: Logger): Promise<void> {
  if (!msg.reply) {
    logger.warn({ subject: msg.subject }, "command without a reply subject ignored");
    return;
  }
  // Which replica answered: the queue group spreads commands over them.
  logger.debug({ subject: msg.subject }, "command received");
  msg.respond(encoder.encode(serializeReply(await reply(msg, handlers, logger), logger)));
}

function serializeReply(body: CommandReply, logger: Logger): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    logger.error({ err: error }, "command result is not serialisable");
    return JSON.stringify({ ok: false, error: { code: ErrorCodes.Internal, message: "internal error" } });
  }
}

async function reply(
  msg: Msg,
  handlers: Record<string, CommandHandler>,
  logger: Logger,
): Promise<CommandReply> {
  const command = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
  // Own properties only: "constructor" or "toString" are not commands.
  const handler = Object.hasOwn(handlers, command) ? handlers[command] : undefined;
  if (handler === undefined) {
    return { ok: false, error: { code: ErrorCodes.NotFound, message: `unknown command ${command}` } };
  }
  const parsed = parseCommandRequest(msg.data);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const log = withTrace(logger, parsed.value.traceId).child({ command, orgId: parsed.value.orgId });
  try {
    return { ok: true, result: (await handler(parsed.value)) ?? null };
  } catch (error) {
    if (isSwitchboardError(error)) return { ok: false, error: error.toJSON() };
    log.error({ err: error }, "command handler failed");
    return { ok: false, error: { code: ErrorCodes.Internal, message: "internal error" } };
  }
}

import type { FastifyBaseLogger } from "fastify";
import type { Logger } from "@switchboard/logger";

type Bindings = Record<string, unknown>;
type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
type LogArgs = Parameters<FastifyBaseLogger["info"]>;

/**
 * Fastify's per-request logger (it binds the request id), made at the request's first log line
 * instead of for every request: making a pino child serializes and redacts its bindings, which
 * cost about 2 % of a request that writes no line (a level above info, as in production at
 * "warn"). The lines themselves, and the child's bindings, are the same as pino's.
 */
export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: object) {
  return new LazyChildLogger(parent as Logger, bindings, options);
}

class LazyChildLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: object,
  ) {}

  get level(): string {
    return this.#made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  readonly fatal = (...args: LogArgs): void => this.#write("fatal", args);
  readonly error = (...args: LogArgs): void => this.#write("error", args);
  readonly warn = (...args: LogArgs): void => this.#write("warn", args);
  readonly info = (...args: LogArgs): void => this.#write("info", args);
  readonly debug = (...args: LogArgs): void => this.#write("debug", args);
  readonly trace = (...args: LogArgs): void => this.#write("trace", args);
  readonly silent = (): void => undefined;

  child(bindings: Bindings, options?: object): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }

  #write(level: Level, args: LogArgs): void {
    if (this.#made === undefined && !this.parent.isLevelEnabled(level)) return;
    this.#logger()[level](...args);
  }

  #logger(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options));
  }
}

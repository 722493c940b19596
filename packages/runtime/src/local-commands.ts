import type { CommandHandler } from "@switchboard/bus";

/**
 * The command handlers of the services running in this process. A command for one of them is
 * answered in-process instead of over NATS: all-in-one keeps working while NATS is down, and
 * saves a round trip. Other processes still reach the same handlers over NATS.
 */
export class LocalCommands {
  readonly #handlers = new Map<string, Record<string, CommandHandler>>();

  register(service: string, handlers: Record<string, CommandHandler>): void {
    this.#handlers.set(service, handlers);
  }

  unregister(service: string): void {
    this.#handlers.delete(service);
  }

  find(service: string, command: string): CommandHandler | undefined {
    const handlers = this.#handlers.get(service);
    return handlers !== undefined && Object.hasOwn(handlers, command) ? handlers[command] : undefined;
  }
}

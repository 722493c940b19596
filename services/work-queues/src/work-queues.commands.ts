import type { CommandHandler, CommandRequest } from "@switchboard/bus";
import { compileParamsValidator } from "@switchboard/events";
import { commandMeta, type DomainParts } from "@switchboard/runtime";
import { createItem, setItemStatus, type CommandMeta, type CreateItemInput } from "./item-commands.js";
import { createItemCommand, setStatusCommand } from "./work-queues.schemas.js";

const createParams = compileParamsValidator<CreateItemInput>(createItemCommand, "createItem params");
const statusParams = compileParamsValidator<{ workQueueItemId: string; status: string; priority?: number }>(
  setStatusCommand,
  "setItemStatus params",
);

const metaOf = (req: CommandRequest): CommandMeta => commandMeta(req);

/** `<ns>.cmd.work-queues.*`: what rules do to work queues. */
export function workQueuesCommands(parts: DomainParts): Record<string, CommandHandler> {
  return {
    async createItem(req) {
      const outcome = await createItem(parts, metaOf(req), createParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async setItemStatus(req) {
      const outcome = await setItemStatus(parts, metaOf(req), statusParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
  };
}

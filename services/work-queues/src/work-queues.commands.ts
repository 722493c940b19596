import type { CommandHandler } from "@switchboard/bus";
import { compileParamsValidator } from "@switchboard/events";
import { commandMeta, type DomainParts } from "@switchboard/runtime";
import { createItem, setItemStatus, type CreateItemInput } from "./item-commands.js";
import { createItemCommand, setStatusCommand } from "./work-queues.schemas.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

const createParams = compileParamsValidator<CreateItemInput>(createItemCommand, "createItem params");
const statusParams = compileParamsValidator<{ workQueueItemId: string; status: string; priority?: number }>(
  setStatusCommand,
  "setItemStatus params",
);

/** `<ns>.cmd.work-queues.*`: what rules do to work queues. */
export function workQueuesCommands(parts: DomainParts<WorkQueuesDB>): Record<string, CommandHandler> {
  return {
    async createItem(req) {
      const outcome = await createItem(parts, commandMeta(req), createParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async setItemStatus(req) {
      const outcome = await setItemStatus(parts, commandMeta(req), statusParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
  };
}

import { workQueuesContract } from "@switchboard/contracts";
import { commandMeta, implement, type DomainParts, type ImplementedCommands } from "@switchboard/runtime";
import { createItem, setItemStatus, updateItemByKey } from "./item-commands.js";
import { proposeChange } from "./proposals.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

/** `<ns>.cmd.work-queues.*`: what rules do to work queues. */
export function workQueuesCommands(parts: DomainParts<WorkQueuesDB>): ImplementedCommands {
  return implement(workQueuesContract, {
    async createItem(req) {
      const outcome = await createItem(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async setItemStatus(req) {
      const outcome = await setItemStatus(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async updateItemByKey(req) {
      const outcome = await updateItemByKey(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async proposeChange(req) {
      const outcome = await proposeChange(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
  });
}

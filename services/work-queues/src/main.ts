import { runStandalone } from "@switchboard/runtime";
import { createWorkQueuesService } from "./work-queues.service.js";

await runStandalone("work-queues", createWorkQueuesService);

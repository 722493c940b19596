export { createWorkQueuesService } from "./work-queues.service.js";

export { createPlansService } from "./plans.service.js";

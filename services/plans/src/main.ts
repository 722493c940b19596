import { runStandalone } from "@switchboard/runtime";
import { createPlansService } from "./plans.service.js";

await runStandalone("plans", createPlansService);

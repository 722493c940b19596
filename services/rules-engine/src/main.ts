import { runStandalone } from "@switchboard/runtime";
import { createRulesEngineService } from "./rules-engine.service.js";

await runStandalone("rules-engine", createRulesEngineService);

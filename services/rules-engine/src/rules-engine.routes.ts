import type { FastifyInstance } from "fastify";
import { definitionRoutes } from "./definitions.routes.js";
import { dryRunRoutes } from "./dry-run.routes.js";
import type { RulesEngineParts } from "./engine-parts.js";
import { ruleRunRoutes } from "./rule-runs.routes.js";
import { ruleVersionRoutes } from "./rule-versions.routes.js";
import { ruleRoutes } from "./rules.routes.js";
import { timerRoutes } from "./timers/timer.routes.js";

export async function rulesEngineRoutes(app: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  await definitionRoutes(app, parts);
  await ruleRoutes(app, parts);
  await ruleVersionRoutes(app, parts);
  await dryRunRoutes(app, parts);
  await ruleRunRoutes(app, parts);
  await timerRoutes(app, parts);
}

import { runStandalone } from "@switchboard/runtime";
import { createTenancyService } from "./tenancy.service.js";

await runStandalone("tenancy", (ctx) =>
  createTenancyService(ctx, { announce: (text) => process.stdout.write(text) }),
);

import { runStandalone } from "@switchboard/runtime";
import { createFormsService } from "./forms.service.js";

await runStandalone("forms", createFormsService);

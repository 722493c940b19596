import { runStandalone } from "@switchboard/runtime";
import { createDeadLettersService } from "./dead-letters.service.js";

await runStandalone("dead-letters", createDeadLettersService);

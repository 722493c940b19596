import { runStandalone } from "@switchboard/runtime";
import { createIngressService } from "./ingress.service.js";

await runStandalone("ingress", createIngressService);

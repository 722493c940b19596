export { createIngressService } from "./ingress.service.js";

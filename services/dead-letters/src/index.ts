export { createDeadLettersService } from "./dead-letters.service.js";

export { createFormsService } from "./forms.service.js";

export { createTenancyService } from "./tenancy.service.js";
export type { TenancyOptions } from "./tenancy.service.js";

export { api } from "@switchboard/testing";
export type { Api, ApiResponse } from "@switchboard/testing";

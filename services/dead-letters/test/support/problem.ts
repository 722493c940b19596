export { expectProblem } from "@switchboard/testing";
export type { Problem } from "@switchboard/testing";

export { requireHttp, runSwitchboard, serviceFactories } from "./compose.js";
export type { RunningSwitchboard, SwitchboardOptions } from "./compose.js";

export { loadConfig, configVariableNames, LOG_LEVELS } from "./config.js";
export type { Config, LogLevel } from "./config.js";
export {
  readString,
  readOptional,
  readInt,
  readIntList,
  readEnum,
  readList,
  readUrl,
  readUrlList,
  readToken,
} from "./readers.js";
export type { Env } from "./readers.js";

export { canonicalJson } from "./canonical-json.js";
export { jsonCopy } from "./json-copy.js";

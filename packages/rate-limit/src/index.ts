export { createTokenBucket } from "./token-bucket.js";
export type { TokenBucket } from "./token-bucket.js";

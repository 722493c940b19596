export { parseKeyring, generateKeyringEntry, KEY_BYTES } from "./keyring.js";
export type { Keyring } from "./keyring.js";
export { encryptSecret, encryptDeterministic, decryptSecret } from "./secret-cipher.js";
export type { DecryptProblem } from "./secret-cipher.js";

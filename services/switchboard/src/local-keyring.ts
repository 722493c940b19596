import fs from "node:fs";
import path from "node:path";
import { generateKeyringEntry } from "@switchboard/secrets";

/**
 * All-in-one keeps the key that encrypts stored secrets (webhook signing secrets, destination
 * credentials) next to its data, readable by its owner only. Distributed deployments set
 * SWITCHBOARD_SECRETS_KEYRING instead.
 */
export function ensureLocalKeyring(dataDir: string): string {
  const file = path.join(dataDir, "secrets.keyring");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keyring = generateKeyringEntry();
  fs.writeFileSync(file, `${keyring}\n`, { mode: 0o600, flag: "wx" });
  return keyring;
}

import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { generateApiKey, hashToken } from "./api-key.js";
import { hasPlatformKey, insertApiKey } from "./api-key.repository.js";
import { SCHEMA } from "./migrations.js";
import type { TenancyDB } from "./tenancy.tables.js";

const ENV_KEY_NAME = "platform admin (SWITCHBOARD_ADMIN_KEY)";
const GENERATED_KEY_NAME = "platform admin (generated at first start)";

export type AdminKeyOutcome =
  | { outcome: "configured"; keyId: string }
  | { outcome: "generated"; keyId: string; token: string }
  | { outcome: "existing" };

/**
 * Makes sure a platform-admin key exists. A key from the environment is registered (replacing an
 * earlier environment key); without one, the first start generates a key and hands it back once to
 * be printed; later starts find it and print nothing.
 */
export async function ensureAdminKey(
  db: Kysely<TenancyDB>,
  configuredKey: string | undefined,
): Promise<AdminKeyOutcome> {
  return db.transaction().execute(async (trx) => {
    // Several replicas may start at once; one decides.
    await sql`select pg_advisory_xact_lock(hashtext('switchboard.tenancy.admin-key'))`.execute(trx);
    if (configuredKey !== undefined) {
      const tokenHash = hashToken(configuredKey);
      // A random id, not one derived from the key: the id is public (every event's requestedBy),
      // and a prefix of an unsalted hash would let anyone test guesses of an operator-chosen key.
      const keyId = `key_admin_${randomBytes(6).toString("hex")}`;
      // The operator's key replaces earlier environment keys and the one generated at first start.
      await trx
        .withSchema(SCHEMA)
        .updateTable("api_keys")
        .set({ revoked_at: sql`now()` })
        .where("name", "in", [ENV_KEY_NAME, GENERATED_KEY_NAME])
        .where("token_hash", "<>", tokenHash)
        .where("revoked_at", "is", null)
        .execute();
      const exists = await trx
        .withSchema(SCHEMA)
        .selectFrom("api_keys")
        .select("id")
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      if (exists === undefined) {
        await insertApiKey(trx, {
          id: keyId,
          orgId: null,
          name: ENV_KEY_NAME,
          roles: ["platform-admin"],
          tokenHash,
        });
      } else {
        await trx
          .withSchema(SCHEMA)
          .updateTable("api_keys")
          .set({ revoked_at: null })
          .where("token_hash", "=", tokenHash)
          .execute();
      }
      return { outcome: "configured", keyId: exists?.id ?? keyId };
    }
    if (await hasPlatformKey(trx)) return { outcome: "existing" };
    const key = generateApiKey();
    await insertApiKey(trx, {
      id: key.id,
      orgId: null,
      name: GENERATED_KEY_NAME,
      roles: ["platform-admin"],
      tokenHash: hashToken(key.token),
    });
    return { outcome: "generated", keyId: key.id, token: key.token };
  });
}

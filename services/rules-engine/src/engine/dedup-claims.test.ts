import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { migrateSchema } from "@switchboard/db";
import { migrations, SCHEMA } from "../migrations.js";
import { claimKeys } from "./dedup-claims.js";

describe("dedup claims as they pile up", () => {
  let engine: EngineDatabase;
  beforeAll(async () => {
    engine = await openEngineDatabase("sb_claims");
    // Claims are kept for ever: one org and one event name gather every message ever processed.
    await sql`
      insert into ${sql.table(`${SCHEMA}.dedup_claims`)} (org_id, event_name, kind, value, message_id, status)
      select 'hrh', 'inbound:scheduling.slotBooked', k.kind, k.kind || ':' || n, 'm-' || n, 'done'
      from generate_series(1, 5000) n cross join (values ('id'), ('payload')) k(kind)
    `.execute(engine.db);
    await sql`analyze ${sql.table(`${SCHEMA}.dedup_claims`)}`.execute(engine.db);
  });
  afterAll(() => engine?.close());

  it("finds a message's claims by its id through an index, not by scanning the event's claims", async () => {
    const plan = await engine.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const result = await sql<{ "QUERY PLAN": unknown }>`
        explain (format json) update ${sql.table(`${SCHEMA}.dedup_claims`)} set status = 'done'
        where org_id = 'hrh' and event_name = 'inbound:scheduling.slotBooked' and message_id = 'm-4321'
      `.execute(trx);
      return JSON.stringify(result.rows[0]!["QUERY PLAN"]);
    });
    expect(plan).toMatch(/"Index Cond":"[^"]*message_id/);
    expect(plan).not.toContain('"Filter"');
  });
});

describe("dedup claims on payload keys", () => {
  const EVENT = "inbound:scheduling.slotBooked";
  const PATIENT_KEY = "pat-1|2026-12-01T09:00:00Z";
  let engine: EngineDatabase;
  beforeAll(async () => {
    // A database from before claims were hashed, holding a claim on a key in clear.
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < "009"));
    engine = await openEngineDatabase("sb_claim_hash", before);
    await sql`
      insert into ${sql.table(`${SCHEMA}.dedup_claims`)} (org_id, event_name, kind, value, message_id, status)
      values ('hrh', ${EVENT}, 'key', ${PATIENT_KEY}, 'm-old', 'done')`.execute(engine.db);
    const migrated = await migrateSchema(engine.db, SCHEMA, migrations);
    if (!migrated.ok) throw new Error(JSON.stringify(migrated.error));
  });
  afterAll(() => engine?.close());

  const values = async () =>
    (
      await sql<{
        value: string;
      }>`select value from ${sql.table(`${SCHEMA}.dedup_claims`)} order by value`.execute(engine.db)
    ).rows.map((r) => r.value);

  it("keeps only the key's hash, for claims made before and after, and still finds the duplicate", async () => {
    expect(await values()).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    const claim = (value: string, messageId: string) =>
      engine.db
        .transaction()
        .execute((trx) => claimKeys(trx, "hrh", EVENT, [{ kind: "key", value }], messageId, "1"));
    expect(await claim(PATIENT_KEY, "m-new")).toEqual({ outcome: "duplicate", of: "m-old" });
    expect(await claim("pat-2|2026-12-02T10:00:00Z", "m-2")).toEqual({ outcome: "claimed" });
    const stored = await values();
    expect(stored).toHaveLength(2);
    for (const value of stored) expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.join()).not.toContain("pat-");
  });
});

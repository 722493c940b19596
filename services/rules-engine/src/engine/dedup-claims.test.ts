import { sql, type RawBuilder } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { migrateSchema } from "@switchboard/db";
import { migrations, SCHEMA } from "../migrations.js";
import { claimBatch, claimsOf, completing, lockedKeys, type ClaimRequest } from "./dedup-claims.js";

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
  });
  afterAll(() => engine?.close());

  const messages = ["m-4321", "m-17", "m-999"].map((messageId) => ({
    orgId: "hrh",
    eventName: "inbound:scheduling.slotBooked",
    messageId,
    keys: [
      { kind: "id" as const, value: `id:${messageId.slice(2)}` },
      { kind: "payload" as const, value: `payload:${messageId.slice(2)}` },
    ],
  }));

  /** The plans of the statements that claim, lock and complete a batch's claims, as the engine builds them. */
  const plans = () =>
    engine.db.transaction().execute(async (trx) => {
      const explain = async (statement: RawBuilder<unknown>) =>
        JSON.stringify(
          (await sql<{ "QUERY PLAN": unknown }>`explain (format json) ${statement}`.execute(trx)).rows[0]![
            "QUERY PLAN"
          ],
        );
      const keys = messages.flatMap((m) => m.keys.map((k) => ({ ...m, ...k })));
      return [
        await explain(lockedKeys(keys)),
        await explain(claimsOf(messages)),
        await explain(completing(messages)),
      ];
    });

  it("finds each claim of a batch by its primary key, also before the table has statistics, never by scanning", async () => {
    for (const stats of ["none", "analyzed"]) {
      if (stats === "analyzed") await sql`analyze ${sql.table(`${SCHEMA}.dedup_claims`)}`.execute(engine.db);
      for (const plan of await plans()) {
        expect(plan).toMatch(/"Index Name":"dedup_claims_pk"/);
        expect(plan).toMatch(/"Index Cond":"[^"]*kind[^"]*value/);
        expect(plan).not.toContain("Seq Scan");
      }
    }
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
        .execute((trx) =>
          claimBatch(trx, [
            { orgId: "hrh", eventName: EVENT, messageId, holder: "1", keys: [{ kind: "key", value }] },
          ]),
        );
    expect(await claim(PATIENT_KEY, "m-new")).toEqual([{ outcome: "duplicate", of: "m-old" }]);
    expect(await claim("pat-2|2026-12-02T10:00:00Z", "m-2")).toEqual([{ outcome: "claimed" }]);
    const stored = await values();
    expect(stored).toHaveLength(2);
    for (const value of stored) expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.join()).not.toContain("pat-");
  });
});

describe("claiming a batch", () => {
  const EVENT = "slotBooked";
  let engine: EngineDatabase;
  beforeAll(async () => {
    engine = await openEngineDatabase("sb_claim_batch");
  });
  afterAll(() => engine?.close());

  const request = (messageId: string, holder: string, payload: string): ClaimRequest => ({
    orgId: "hrh",
    eventName: EVENT,
    messageId,
    holder,
    keys: [
      { kind: "id", value: messageId },
      { kind: "payload", value: payload },
    ],
  });
  const claim = (requests: ClaimRequest[]) =>
    engine.db.transaction().execute((trx) => claimBatch(trx, requests));
  const claimsOfMessage = async (messageId: string) =>
    (
      await sql<{
        kind: string;
        holder: string;
      }>`select kind, holder from ${sql.table(`${SCHEMA}.dedup_claims`)}
        where message_id = ${messageId} order by kind`.execute(engine.db)
    ).rows;

  it("gives the same data to the first message that has it; the second is busy and keeps no claim", async () => {
    expect(
      await claim([request("a-1", "1", "h-a"), request("a-2", "2", "h-a"), request("a-3", "3", "h-b")]),
    ).toEqual([{ outcome: "claimed" }, { outcome: "busy", by: "a-1", holder: "1" }, { outcome: "claimed" }]);
    expect(await claimsOfMessage("a-1")).toEqual([
      { kind: "id", holder: "1" },
      { kind: "payload", holder: "1" },
    ]);
    expect(await claimsOfMessage("a-2")).toEqual([]);
  });

  it("lets one of two copies of a message in a batch run; the other waits for it", async () => {
    expect(await claim([request("c-1", "10", "h-c"), request("c-1", "11", "h-c")])).toEqual([
      { outcome: "claimed" },
      { outcome: "busy", by: "c-1", holder: "10" },
    ]);
    // The redelivery of the copy that holds the claim takes it over.
    expect(await claim([request("c-1", "10", "h-c")])).toEqual([{ outcome: "claimed" }]);
  });

  it("claims the shared keys of batches running at once without a deadlock, each key for one message", async () => {
    // Two replicas' batches with the same data in opposite orders, over and over: locked in any order
    // but one, such batches wait for each other in a circle.
    for (let round = 0; round < 10; round++) {
      const messages = Array.from({ length: 300 }, (_, i) =>
        request(`d-${round}-${i}`, String(i), `h-d-${round}-${i % 150}`),
      );
      const reversed = [...messages].reverse().map((m) => ({ ...m, holder: `${m.holder}-b` }));
      const outcomes = (await Promise.all([claim(messages), claim(reversed)])).flat();
      expect(outcomes.filter((o) => o.outcome === "claimed")).toHaveLength(150);
    }
  });
});

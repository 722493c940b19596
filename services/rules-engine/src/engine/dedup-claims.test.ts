import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";

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

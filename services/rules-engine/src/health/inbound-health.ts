import type { Kysely } from "kysely";
import { healthFigures, type InboundEventHealth } from "@switchboard/contracts";
import { readHealthFigures } from "@switchboard/db";
import { INBOUND_HEALTH, SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";
import type { InboundBacklog } from "./inbound-backlog.js";

/**
 * The health of each inbound event an org declares, by name (`readHealthFigures`: the last 24 hourly
 * counts; the last success and failure are kept as long as the event is declared).
 */
export async function inboundHealth(
  db: Kysely<RulesEngineDB>,
  backlog: InboundBacklog,
  orgId: string,
  now: Date,
): Promise<InboundEventHealth[]> {
  const [definitions, figures] = await Promise.all([
    db
      .withSchema(SCHEMA)
      .selectFrom("inbound_definitions")
      .select("name")
      .where("org_id", "=", orgId)
      .orderBy("name")
      .execute(),
    readHealthFigures(db, INBOUND_HEALTH, orgId, now),
  ]);
  const names = definitions.map((d) => d.name);
  const waiting = await backlog(orgId, names);
  return names.map((name) => ({
    name,
    lastFailureReason: figures.get(name)?.lastFailureReason ?? null,
    ...healthFigures(figures.get(name), waiting.get(name) ?? null),
  }));
}

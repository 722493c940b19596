import type { Kysely, Selectable } from "kysely";
import type { DedupSpec } from "@switchboard/rules";
import { SCHEMA } from "./migrations.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** A declared inbound event: its payload schema and how duplicates are recognised. */
export interface InboundDefinition {
  orgId: string;
  name: string;
  description: string;
  schema: Record<string, unknown>;
  dedup: DedupSpec;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

type Row = Selectable<RulesEngineDB["inbound_definitions"]>;

const toDefinition = (r: Row): InboundDefinition => ({
  orgId: r.org_id,
  name: r.name,
  description: r.description,
  schema: r.schema,
  dedup: r.dedup,
  version: r.version,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function findDefinition(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  name: string,
): Promise<InboundDefinition | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("inbound_definitions")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row === undefined ? undefined : toDefinition(row);
}

/** One org's definitions by name, or every org's when `orgId` is undefined (the engine's full load). */
export async function listDefinitions(
  db: Kysely<RulesEngineDB>,
  orgId: string | undefined,
): Promise<InboundDefinition[]> {
  let q = db.withSchema(SCHEMA).selectFrom("inbound_definitions").selectAll();
  if (orgId !== undefined) q = q.where("org_id", "=", orgId);
  const rows = await q.orderBy("org_id").orderBy("name").execute();
  return rows.map(toDefinition);
}

export type DefinitionWrite = Omit<InboundDefinition, "updatedAt"> & { updatedAt: Date };

/** Inserts or replaces the definition; the caller has chosen the version. */
export async function upsertDefinition(
  db: Kysely<RulesEngineDB>,
  d: DefinitionWrite,
): Promise<InboundDefinition> {
  const values = {
    description: d.description,
    schema: JSON.stringify(d.schema),
    dedup: JSON.stringify(d.dedup),
    version: d.version,
    updated_by: d.updatedBy,
    updated_at: d.updatedAt,
  };
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("inbound_definitions")
    .values({ org_id: d.orgId, name: d.name, ...values })
    .onConflict((oc) => oc.columns(["org_id", "name"]).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDefinition(row);
}

export async function deleteDefinition(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  name: string,
): Promise<boolean> {
  const result = await db
    .withSchema(SCHEMA)
    .deleteFrom("inbound_definitions")
    .where("org_id", "=", orgId)
    .where("name", "=", name)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

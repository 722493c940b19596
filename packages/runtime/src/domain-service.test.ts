import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCommand } from "@switchboard/bus";
import { formsContract } from "@switchboard/contracts";
import {
  idempotencyMigration,
  idempotencyRetentionMigration,
  openDatabase,
  type IdempotencyTables,
} from "@switchboard/db";
import { NotFoundError } from "@switchboard/errors";
import {
  emitEvent,
  outboxMigration,
  outboxRetentionMigration,
  outboxSetAsideMigration,
  type OutboxTables,
} from "@switchboard/outbox";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { sql } from "kysely";
import { commandMeta } from "./command-meta.js";
import { createDomainService, type DomainParts, type DomainServiceSpec } from "./domain-service.js";
import { implement } from "./implement-commands.js";
import type { RunningWorkers } from "./start-services.js";
import { startTestWorkers } from "./testing/start-test-workers.js";

const SCHEMA = "toy_forms";

type ToyDB = OutboxTables & IdempotencyTables;

/** A domain service answering the forms contract: assignForm writes formAssigned and nothing else. */
const toyCommands = (parts: DomainParts<ToyDB>) =>
  implement(formsContract, {
    async assignForm(req) {
      const id = randomUUID();
      const planId = req.params.planId ?? randomUUID();
      const info = { planId, formName: req.params.formName, userId: req.params.userId, prefill: {} };
      await parts.db.transaction().execute((trx) =>
        emitEvent(trx, parts.source, commandMeta(req), "formAssigned", {
          ...info,
          formAssignmentId: id,
          isTest: false,
        }),
      );
      parts.eventsWritten();
      const createdAt = parts.source.now().toISOString();
      return {
        id,
        ...info,
        isTest: false,
        status: "assigned" as const,
        data: null,
        createdAt,
        submittedAt: null,
      };
    },
    async submitForm() {
      throw new NotFoundError("no such assignment");
    },
    async recordSubmission() {
      throw new NotFoundError("no such plan");
    },
  });

const toySpec = (overrides: Partial<DomainServiceSpec<ToyDB>> = {}): DomainServiceSpec<ToyDB> => ({
  name: "forms",
  schema: SCHEMA,
  migrations: {
    "001_outbox": outboxMigration(),
    "002_idempotency": idempotencyMigration(),
    "003_outbox_set_aside": outboxSetAsideMigration(),
    "004_outbox_retention": outboxRetentionMigration(),
    "005_idempotency_retention": idempotencyRetentionMigration(),
  },
  idempotencyKeys: true,
  commands: toyCommands,
  ...overrides,
});

describe("a domain service", () => {
  let nats: NatsServer;
  let database: TestDatabase;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase("sb_domain");
  });
  afterAll(async () => {
    await database?.drop();
    await nats?.close();
  });

  const start = async (spec: DomainServiceSpec<ToyDB>): Promise<RunningWorkers> =>
    startTestWorkers({
      nats: { url: nats.url },
      database: { url: database.url },
      factories: [(ctx) => createDomainService(ctx, spec)],
    });

  const tablesOf = async (running: RunningWorkers): Promise<string[]> => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${SCHEMA} order by table_name
    `.execute(running.context.database.db);
    return rows.map((r) => r.table_name);
  };

  it("has its parts at creation, before start and without routes", async () => {
    const running = await start(toySpec());
    try {
      const service = createDomainService(running.context, toySpec());
      expect(service.parts.source).toMatchObject({ namespace: "switchboard", schema: SCHEMA });
      expect(service.routes).toBeUndefined();
    } finally {
      await running.stop();
    }
  });

  it("migrates its schema, serves its commands in process and over NATS, relays its outbox", async () => {
    const running = await start(toySpec());
    try {
      expect(await tablesOf(running)).toEqual(expect.arrayContaining(["idempotency_keys", "outbox"]));
      const events = running.context.nc.subscribe("switchboard.events.>");
      await running.context.nc.flush();
      const local = await running.context.commands.forms.assignForm({
        orgId: "org-a",
        params: { formName: "Referral", userId: "p-1", plan: { templateName: "care" } },
      });
      expect(local).toMatchObject({ formName: "Referral", userId: "p-1", status: "assigned" });
      const remote = await sendCommand(running.context.nc, {
        namespace: "switchboard",
        service: "forms",
        command: "submitForm",
        request: { orgId: "org-a", params: { formAssignmentId: local.id, data: {} } },
      });
      expect(remote).toMatchObject({ ok: false, error: { code: "SB_ERR_NOT_FOUND" } });
      for await (const m of events) {
        expect(m.subject).toContain("formAssigned");
        expect(JSON.stringify(m.json())).toContain(local.id);
        break;
      }
      const outbox = running.context.database.db.withSchema(
        SCHEMA,
      ) as unknown as typeof running.context.database.db;
      await waitFor(
        async () => {
          const { rows } = await sql<{ published: number }>`
            select count(*)::int as published from ${sql.table(`${SCHEMA}.outbox`)} where published_at is not null
          `.execute(running.context.database.db);
          return rows[0]!.published === 1;
        },
        { what: "the outbox row marked published" },
      );
    } finally {
      await running.stop();
    }
  });

  it("refuses, before it migrates anything, commands implementing the contract of another service", async () => {
    await expect(start(toySpec({ name: "plans", schema: "toy_plans" }))).rejects.toMatchObject({
      code: "SB_ERR_INTERNAL",
      message: "service plans implements the contract of forms",
    });
    const probe = await openDatabase({ url: database.url });
    try {
      const { rows } =
        await sql`select 1 from information_schema.schemata where schema_name = 'toy_plans'`.execute(
          probe.db,
        );
      expect(rows).toHaveLength(0);
    } finally {
      await probe.close();
    }
  });

  it("sweeps what is past its retention soon after start", async () => {
    const swept: Date[] = [];
    const running = await start(
      toySpec({
        sweeps: () => [{ what: "toys", retentionMs: 60_000, run: async (before) => (swept.push(before), 0) }],
      }),
    );
    try {
      await waitFor(() => swept.length > 0, { what: "the sweep" });
      expect(Math.abs(Date.now() - 60_000 - swept[0]!.getTime())).toBeLessThan(30_000);
    } finally {
      await running.stop();
    }
  });
});

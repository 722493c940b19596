import { sql } from "kysely";
import { encodePayload, streamNames } from "@switchboard/bus";
import { openDatabase } from "@switchboard/db";
import { inboundSubject } from "@switchboard/events";
import type { RuleDocument } from "@switchboard/rules";
import type { Api } from "@switchboard/testing";
import { booking, reminderRule, slotBookedDefinition } from "../../test/support/examples.js";
import { bareConsume, publishAll } from "./jetstream.js";
import { perSecond, runInFlight, waitForCount } from "./load.js";
import { insertRuleVersion, upsertRuleHead } from "../../services/rules-engine/src/rule.repository.js";
import { triggerOfDocument } from "../../services/rules-engine/src/rule-state.js";
import type { RulesEngineDB } from "../../services/rules-engine/src/rules-engine.tables.js";
import { createOrg, expectStatus, type BenchStack } from "./stack.js";

/** Messages one engine replica works on at once (SWITCHBOARD_RULES_CONCURRENCY), and the bare loop too. */
export const RULES_IN_FLIGHT = 256;
/** The services an inbound event's rule reaches: keys, plans and forms (assignForm), the engine. */
export const RULES_SERVICES = ["tenancy", "plans", "forms", "rules-engine"];
export const RULES_ENV = { SWITCHBOARD_RULES_CONCURRENCY: String(RULES_IN_FLIGHT) };

const PATIENTS = 20;
const EVENT_NAME = slotBookedDefinition().name as string;

export interface RulesOrg {
  stack: BenchStack;
  orgId: string;
  /** A content manager's client of the org. */
  cm: Api;
  /** The next booking number never published, so every backlog holds new data. */
  nextBooking: number;
}

/**
 * An org as the README's walk-through builds it: a plan template with the reminder form, plans for
 * some patients, the slot-booked definition and the reminder rule, active.
 */
export async function prepareRulesOrg(stack: BenchStack, orgId: string): Promise<RulesOrg> {
  const cm = await createOrg(stack, orgId, ["content-manager", "app", "viewer"]);
  expectStatus(
    await cm.post(`/v1/orgs/${orgId}/plan-templates`, {
      name: "maternity-care",
      roles: ["Patient"],
      forms: ["AppointmentReminder"],
    }),
    201,
    "create the plan template",
  );
  await runInFlight(PATIENTS, 4, async (i) =>
    expectStatus(
      await cm.post(`/v1/orgs/${orgId}/plans`, { templateName: "maternity-care", userId: `pat-${i}` }),
      201,
      "create a plan",
    ),
  );
  const { name, ...definition } = slotBookedDefinition();
  expectStatus(await cm.put(`/v1/orgs/${orgId}/inbound-events/${name}`, definition), 201, "declare");
  const rule = reminderRule();
  expectStatus(await cm.put(`/v1/orgs/${orgId}/rules/${rule.id}?activate=true`, rule), 201, "save the rule");
  return { stack, orgId, cm, nextBooking: 0 };
}

/**
 * Rules on the same trigger that never match (their condition names a booking that never comes),
 * each saved as version 1 and made active with the rules engine's own store functions, in
 * transactions of 500 (the API would take minutes for 10,000: every save reloads the org). They
 * have the shape of the reminder rule, which the API checked. The services pick them up when
 * they start (the next backlog restarts them). The milliseconds it took.
 */
export async function addIdleRules(org: RulesOrg, from: number, to: number): Promise<number> {
  const base = reminderRule() as RuleDocument;
  const db = await openDatabase<RulesEngineDB>({ url: org.stack.database.url });
  const started = performance.now();
  try {
    const chunks = Math.ceil((to - from) / 500);
    await runInFlight(chunks, 4, (c) =>
      db.db.transaction().execute(async (trx) => {
        for (let n = from + c * 500; n < Math.min(to, from + (c + 1) * 500); n++) {
          const document = { ...base, id: `idle-${n}`, when: { "==": [{ var: "bookingId" }, `never-${n}`] } };
          const now = new Date();
          await insertRuleVersion(trx, org.orgId, {
            ruleId: document.id,
            version: 1,
            document,
            author: "bench",
            createdAt: now,
          });
          await upsertRuleHead(trx, {
            orgId: org.orgId,
            ruleId: document.id,
            enabled: true,
            activeVersion: 1,
            latestVersion: 1,
            trigger: triggerOfDocument(document),
            updatedAt: now,
          });
        }
      }),
    );
    return performance.now() - started;
  } finally {
    await db.close();
  }
}

export interface EngineRun {
  events: number;
  /** Events fully processed per second, from the first rule run recorded to the last. */
  rate: number;
  /** CPU milliseconds this process (all its services) spent per event while the backlog ran. */
  cpuMsPerEvent: number;
  /** Stream sequence of the first message of the backlog. */
  firstSeq: number;
}

/**
 * With the services stopped, publishes a backlog of `events` new bookings to INBOUND; starts the
 * services again and waits until each has its rule run recorded. The rate is taken from the
 * runs' own timestamps, so the services' start is not in it.
 */
export async function runEngineBacklog(org: RulesOrg, events: number): Promise<EngineRun> {
  const { stack, orgId } = org;
  const subject = inboundSubject("switchboard", orgId, EVENT_NAME);
  const from = org.nextBooking;
  org.nextBooking += events;
  const messages = Array.from({ length: events }, (_, k) => {
    const n = from + k;
    return { subject, data: encodePayload(booking(n, `pat-${n % PATIENTS}`)), msgId: `${orgId}-bk-${n}` };
  });
  await stack.stopServices();
  const { firstSeq } = await publishAll(stack.nats.url, messages, 256);
  const db = await openDatabase({ url: stack.database.url });
  try {
    // Progress while it runs, 20 times a second: the org's runs recorded since the services were
    // stopped (nothing else records any meanwhile), read from the (org_id, id) index. The exact query
    // at the end took PostgreSQL about 10 ms a call, a third of its statement time during the backlog.
    const { before } = (
      await sql<{ before: string }>`
        select coalesce(max(id), 0) as before from rules_engine.rule_runs where org_id = ${orgId}`.execute(
        db.db,
      )
    ).rows[0]!;
    const progress = sql<{ n: string }>`
      select count(*) as n from rules_engine.rule_runs where org_id = ${orgId} and id > ${before}`;
    await stack.startServices();
    // CPU of this process (every service, the engine's evaluation included) from the first run seen.
    let seen: { n: number; cpu: NodeJS.CpuUsage } | undefined;
    await waitForCount(
      async () => {
        const n = Number((await progress.execute(db.db)).rows[0]!.n);
        if (seen === undefined && n > 0 && n < events) seen = { n, cpu: process.cpuUsage() };
        return n;
      },
      events,
      "rule runs recorded",
    );
    const cpu = seen === undefined ? undefined : process.cpuUsage(seen.cpu);
    // This backlog's runs, once: the exact count and the first and last times.
    const { n, first, last } = (
      await sql<{ n: string; first: Date; last: Date }>`
        select count(*) as n, min(created_at) as first, max(created_at) as last
        from rules_engine.rule_runs where org_id = ${orgId} and message_id in (select ${`${orgId}-bk-`} || g from generate_series(${from}::int, ${from + events - 1}::int) g)`.execute(
        db.db,
      )
    ).rows[0]!;
    if (Number(n) !== events)
      throw new Error(`${events} events backlogged, but ${n} of their rule runs recorded`);
    const ms = new Date(last).getTime() - new Date(first).getTime();
    return {
      events,
      rate: perSecond(events - 1, ms),
      cpuMsPerEvent: cpu === undefined ? Number.NaN : (cpu.user + cpu.system) / 1000 / (events - seen!.n),
      firstSeq,
    };
  } finally {
    await db.close();
  }
}

/**
 * The bare baseline on the same messages: a new consumer on INBOUND from the backlog's first
 * message, RULES_IN_FLIGHT at once, each parsed and INSERTed as one row, then acked.
 */
export async function bareConsumeInsert(org: RulesOrg, run: EngineRun): Promise<number> {
  const { stack } = org;
  const db = await openDatabase({ url: stack.database.url });
  try {
    await sql`create table if not exists bench_bare_events
      (id bigserial primary key, subject text not null, payload jsonb not null,
       created_at timestamptz not null default now())`.execute(db.db);
    const ms = await bareConsume(
      stack.nats.url,
      {
        stream: streamNames("").inbound,
        filter: inboundSubject("switchboard", org.orgId, EVENT_NAME),
        startSeq: run.firstSeq,
        count: run.events,
        inFlight: RULES_IN_FLIGHT,
      },
      async (data, subject) => {
        const payload = JSON.parse(new TextDecoder().decode(data));
        await sql`insert into bench_bare_events (subject, payload) values (${subject}, ${JSON.stringify(payload)}::jsonb)`.execute(
          db.db,
        );
      },
    );
    return perSecond(run.events, ms);
  } finally {
    await db.close();
  }
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, type NatsConnection } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { openDatabase, type Database } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import { waitFor } from "@switchboard/testing";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import type { Api } from "../test/support/api.js";
import { bookedPayload, reminderRule, slotDefinition, SLOT_BOOKED } from "../test/support/fixtures.js";
import { watchRuleChanges, type RuleChangeWatcher } from "./rule-change-watcher.js";
import { RuleIndex } from "./rule-index.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";
import { rulesChangedSubject } from "./rules-changed.js";

const logger = createLogger({ level: "silent" });
const onSubmit = {
  id: "intake-submitted",
  on: { event: "formSubmitted" },
  actions: [{ emit: { eventType: "intakeSeen", info: { planId: { var: "info.planId" } } } }],
};

describe("rule index and change propagation", () => {
  let stack: RulesStack;
  let cm: Api;
  // A second replica: its own NATS connection, database handle, index and watcher.
  let nc: NatsConnection;
  let database: Database<RulesEngineDB>;
  let replica: RuleIndex;
  let watcher: RuleChangeWatcher;

  beforeAll(async () => {
    stack = await startRulesStack();
    cm = stack.client("cmA");
    nc = await connectBus({ servers: stack.nats.url, name: "replica", logger });
    database = await openDatabase<RulesEngineDB>({ url: stack.database.url });
    replica = new RuleIndex({ logger });
    await replica.load(database.db);
    watcher = watchRuleChanges({ nc, config: loadConfig({}), logger }, replica, database.db);
  });
  afterAll(async () => {
    await watcher?.stop();
    await nc?.close();
    await database?.close();
    await stack?.close();
  });

  it("indexes compiled definitions and active, enabled rules by org and trigger", async () => {
    expect(
      (
        await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, {
          ...slotDefinition,
          dedup: { mode: "id" },
        })
      ).status,
    ).toBe(201);
    expect(
      (await cm.put("/v1/orgs/org-a/rules/slot-booked-assigns-reminder?activate=true", reminderRule()))
        .status,
    ).toBe(201);
    expect((await cm.put("/v1/orgs/org-a/rules/draft-only", reminderRule({ id: "draft-only" }))).status).toBe(
      201,
    );
    expect((await cm.put("/v1/orgs/org-a/rules/intake-submitted?activate=true", onSubmit)).status).toBe(201);
    const index = stack.service.index;
    const definition = await waitFor(() => index.definition("org-a", SLOT_BOOKED), {
      what: "the definition in the index",
    });
    expect(definition).toMatchObject({ name: SLOT_BOOKED, version: 1, dedup: { mode: "id" } });
    expect(definition.validate(bookedPayload)).toEqual({ ok: true, value: undefined });
    expect(definition.validate({ status: "booked" }).ok).toBe(false);
    const rules = await waitFor(
      () =>
        index.rulesFor("org-a", "event", "formSubmitted").length === 1 &&
        index.rulesFor("org-a", "inbound", SLOT_BOOKED),
    );
    expect(rules.map((r) => [r.id, r.version, r.enabled])).toEqual([
      ["slot-booked-assigns-reminder", 1, true],
    ]);
    const evaluated = rules[0]!.evaluate(bookedPayload);
    expect(evaluated.matched).toBe(true);
    expect(index.rulesFor("org-b", "inbound", SLOT_BOOKED)).toEqual([]);
    expect(index.definition("org-b", SLOT_BOOKED)).toBeUndefined();
    expect(index.rulesFor("org-a", "inbound", "scheduling.other")).toEqual([]);
  });

  it("brings a change made through one process's API to another replica's index", async () => {
    await waitFor(() => replica.rulesFor("org-a", "inbound", SLOT_BOOKED).length === 1, {
      what: "the replica to see the first rule",
    });
    expect(
      (await cm.put("/v1/orgs/org-a/rules/draft-only?activate=true", reminderRule({ id: "draft-only" })))
        .status,
    ).toBe(200);
    await waitFor(() => replica.rulesFor("org-a", "inbound", SLOT_BOOKED).length === 2, {
      what: "an activation to reach the replica",
    });

    expect((await cm.patch("/v1/orgs/org-a/rules/draft-only", { enabled: false })).status).toBe(200);
    await waitFor(() => replica.rulesFor("org-a", "inbound", SLOT_BOOKED).length === 1, {
      what: "a disabled rule to leave the replica",
    });

    expect(
      (
        await cm.put(
          "/v1/orgs/org-a/rules/slot-booked-assigns-reminder?activate=true",
          reminderRule({ description: "v2" }),
        )
      ).status,
    ).toBe(201);
    await waitFor(() => replica.rulesFor("org-a", "inbound", SLOT_BOOKED)[0]?.version === 2, {
      what: "a new active version on the replica",
    });

    const changed = { ...slotDefinition, description: "changed" };
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, changed)).status).toBe(200);
    await waitFor(() => replica.definition("org-a", SLOT_BOOKED)?.version === 2, {
      what: "a definition change on the replica",
    });
    expect(replica.definition("org-a", SLOT_BOOKED)?.dedup).toEqual({ mode: "id-or-payload" });

    expect((await cm.delete("/v1/orgs/org-a/rules/intake-submitted")).status).toBe(204);
    await waitFor(() => replica.rulesFor("org-a", "event", "formSubmitted").length === 0, {
      what: "a deleted rule to leave the replica",
    });
  });

  it("ignores malformed notifications and keeps listening", async () => {
    nc.publish(rulesChangedSubject("switchboard"), new TextEncoder().encode("not json"));
    nc.publish(
      rulesChangedSubject("switchboard"),
      new TextEncoder().encode(JSON.stringify({ orgId: "a.>" })),
    );
    expect((await cm.patch("/v1/orgs/org-a/rules/draft-only", { enabled: true })).status).toBe(200);
    await waitFor(() => replica.rulesFor("org-a", "inbound", SLOT_BOOKED).length === 2, {
      what: "the next change after bad notifications",
    });
  });

  it("catches up on a full reload what it missed, and drops orgs left with nothing", async () => {
    const offline = new RuleIndex({ logger });
    await offline.load(database.db);
    expect(offline.stats()).toMatchObject({ orgs: 1, definitions: 1, rules: 2 });
    expect((await cm.delete("/v1/orgs/org-a/rules/draft-only")).status).toBe(204);
    expect((await cm.delete("/v1/orgs/org-a/rules/slot-booked-assigns-reminder")).status).toBe(204);
    expect((await cm.delete(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`)).status).toBe(204);
    expect(offline.rulesFor("org-a", "inbound", SLOT_BOOKED)).toHaveLength(2);
    await offline.load(database.db);
    expect(offline.stats()).toEqual({ orgs: 0, definitions: 0, rules: 0 });
    expect(offline.definition("org-a", SLOT_BOOKED)).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { expectProblem, send } from "./support/problem.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { readStream } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

const NAME = "scheduling.slotBooked";
const PATH = `/v1/orgs/hrh/inbound/${NAME}`;
const SUBJECT = `switchboard.inbound.hrh.${NAME}`;
const RATE = 10;

/** What INBOUND holds for an id the caller chose (the stream's Nats-Msg-Id is scoped by org and name). */
async function stored(stack: TestStack, messageId: string) {
  return (await readStream(stack.nats, "INBOUND")).filter(
    (m) => m.headers["Switchboard-Message-Id"] === messageId,
  );
}

const cloudEvent = (id: string, data: unknown, type = "com.example.scheduling.slot.booked") => ({
  specversion: "1.0",
  id,
  source: "https://scheduling.example/clinics/2",
  type,
  datacontenttype: "application/json",
  data,
});

/** A third party posting its events over HTTP, as ARCHITECTURE §4 "HTTP ingress" describes. */
describe("HTTP ingress: inbound events checked at the edge, 202 once stored", () => {
  let stack: TestStack;
  let admin: Api;
  let cm: Api;
  /** A fresh integration key: each gets its own rate budget. */
  let integrationKey: () => Promise<string>;

  beforeAll(async () => {
    stack = await startStack({ SWITCHBOARD_INGRESS_RATE_PER_SECOND: String(RATE) });
    admin = api(stack.url, ADMIN_KEY);
    for (const id of ["hrh", "other"])
      expect((await admin.post("/v1/orgs", { id, name: id })).status).toBe(201);
    const cmKey = await admin.post("/v1/orgs/hrh/api-keys", {
      name: "cm",
      roles: ["content-manager", "app", "viewer"],
    });
    cm = api(stack.url, cmKey.body.key);
    let n = 0;
    integrationKey = async () => {
      const created = await admin.post("/v1/orgs/hrh/api-keys", {
        name: `sched-${n++}`,
        roles: ["integration"],
      });
      expect(created.status).toBe(201);
      return created.body.key as string;
    };
    const { name, ...definition } = slotBookedDefinition();
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("a valid payload: 202 with its Idempotency-Key as messageId, and the event is already in INBOUND", async () => {
    const client = api(stack.url, await integrationKey());
    const res = await client.post(PATH, booking(0), {
      "idempotency-key": "sched-0001",
      "switchboard-trace-id": "trace-from-scheduler",
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: "sched-0001", duplicate: false });
    // Read at once, no waiting: the answer came after the broker's acknowledgement.
    const [message, ...more] = await stored(stack, "sched-0001");
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      subject: SUBJECT,
      msgId: `hrh/${NAME}/sched-0001`,
      data: booking(0),
      headers: { "Switchboard-Trace-Id": "trace-from-scheduler" },
    });
  });

  it("without an Idempotency-Key: a generated id, which is also the trace id", async () => {
    const client = api(stack.url, await integrationKey());
    const res = await client.post(PATH, booking(1));
    expect(res.status).toBe(202);
    expect(res.body.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = await stored(stack, res.body.messageId);
    expect(message?.headers["Switchboard-Trace-Id"]).toBe(res.body.messageId);
  });

  it("the same Idempotency-Key twice: one message, and the retry is told it is a duplicate", async () => {
    const client = api(stack.url, await integrationKey());
    const headers = { "idempotency-key": "sched-dup-1" };
    const first = await client.post(PATH, booking(2), headers);
    const again = await client.post(PATH, booking(2), headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(first.body).toEqual({ messageId: "sched-dup-1", duplicate: false });
    expect(again.body).toEqual({ messageId: "sched-dup-1", duplicate: true });
    expect(await stored(stack, "sched-dup-1")).toHaveLength(1);
  });

  it("another org's identical Idempotency-Key is its own event, not a duplicate", async () => {
    const { name, ...definition } = slotBookedDefinition();
    const otherAdmin = await admin.post("/v1/orgs/other/api-keys", {
      name: "other",
      roles: ["content-manager", "integration"],
    });
    const other = api(stack.url, otherAdmin.body.key);
    expect((await other.put(`/v1/orgs/other/inbound-events/${name}`, definition)).status).toBe(201);
    const hrh = api(stack.url, await integrationKey());
    expect((await hrh.post(PATH, booking(3), { "idempotency-key": "shared-key" })).body.duplicate).toBe(
      false,
    );
    const res = await other.post(`/v1/orgs/other/inbound/${NAME}`, booking(3), {
      "idempotency-key": "shared-key",
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: "shared-key", duplicate: false });
    expect((await stored(stack, "shared-key")).map((m) => m.subject).sort()).toEqual([
      SUBJECT,
      `switchboard.inbound.other.${NAME}`,
    ]);
  });

  it("a payload that breaks the declared schema: 422 with the schema errors, and nothing stored", async () => {
    const client = api(stack.url, await integrationKey());
    const before = (await readStream(stack.nats, "INBOUND")).length;
    const bad = { ...booking(4), slot: { start: "tomorrow", end: booking(4).slot.end }, extra: 1 };
    const res = await client.post(PATH, bad, { "idempotency-key": "sched-bad-1" });
    const problem = expectProblem(res, 422, "SB_ERR_VALIDATION", `declared schema of "${NAME}"`);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/slot/start", message: 'must match format "date-time"' }),
        expect.objectContaining({ path: "/extra", message: 'must NOT have unknown property "extra"' }),
      ]),
    );
    expect((await readStream(stack.nats, "INBOUND")).length).toBe(before);
  });

  it("patterns that backtrack exponentially elsewhere run in linear time: the hostile input is refused at once", async () => {
    const patterns = ["^(a|aa)+$", "^(a|a)*$", "^(\\w|\\d)+$", "^(a+)+$"];
    const schema = {
      type: "object",
      properties: Object.fromEntries(patterns.map((pattern, i) => [`p${i}`, { type: "string", pattern }])),
      patternProperties: { "^(x|xx)+$": { type: "string" } },
    };
    expect(
      (await cm.put("/v1/orgs/hrh/inbound-events/lab.hostile", { description: "x", schema })).status,
    ).toBe(201);
    const client = api(stack.url, await integrationKey());
    // 40 characters and one that breaks the match: hours of backtracking for JavaScript's engine.
    const hostile = Object.fromEntries(
      patterns.map((_, i) => [`p${i}`, `${i === 2 ? "1".repeat(40) : "a".repeat(40)}!`]),
    );
    const res = await client.post(
      "/v1/orgs/hrh/inbound/lab.hostile",
      { ...hostile, ["x".repeat(40) + "!"]: 1 },
      {
        "idempotency-key": "hostile-pattern-1",
      },
    );
    const problem = expectProblem(res, 422, "SB_ERR_VALIDATION");
    expect(
      problem.errors!.map((e: { path: string }) => e.path),
      JSON.stringify(problem),
    ).toEqual(expect.arrayContaining(["/p0", "/p1", "/p2", "/p3"]));
    const ok = await client.post("/v1/orgs/hrh/inbound/lab.hostile", { p0: "aaa", p2: "a1b2" });
    expect(ok.status).toBe(202);
  });

  it("an undeclared name: 404 naming it; a malformed name: 400", async () => {
    const client = api(stack.url, await integrationKey());
    expectProblem(
      await client.post("/v1/orgs/hrh/inbound/scheduling.slotMoved", booking(5)),
      404,
      "SB_ERR_NOT_FOUND",
      '"scheduling.slotMoved" is not declared',
    );
    expectProblem(
      await client.post("/v1/orgs/hrh/inbound/scheduling..slotBooked", booking(5)),
      400,
      "SB_ERR_INVALID_NAME",
    );
  });

  it("a definition declared after a miss is accepted at once (the change notice drops the cache)", async () => {
    const client = api(stack.url, await integrationKey());
    expectProblem(
      await client.post("/v1/orgs/hrh/inbound/lab.resultReady", { ok: true }),
      404,
      "SB_ERR_NOT_FOUND",
    );
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    expect(
      (await cm.put("/v1/orgs/hrh/inbound-events/lab.resultReady", { description: "x", schema })).status,
    ).toBe(201);
    await waitFor(
      async () => (await client.post("/v1/orgs/hrh/inbound/lab.resultReady", { ok: true })).status === 202,
      {
        what: "the new declaration to reach the ingress",
      },
    );
  });

  it("CloudEvents binary mode: ce-* headers, the body is the data; the ce id is the message id", async () => {
    const client = api(stack.url, await integrationKey());
    const res = await client.post(PATH, booking(6), {
      "ce-specversion": "1.0",
      "ce-id": "ce-bin-1",
      "ce-source": "/scheduling/clinic-2",
      "ce-type": "com.example.scheduling.slot.booked",
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: "ce-bin-1", duplicate: false });
    const [message] = await stored(stack, "ce-bin-1");
    expect(message).toMatchObject({
      data: booking(6),
      headers: {
        "ce-id": "ce-bin-1",
        "ce-source": "/scheduling/clinic-2",
        "ce-type": "com.example.scheduling.slot.booked",
      },
    });
  });

  it("CloudEvents binary mode with required headers missing: 400 naming them, nothing stored", async () => {
    const client = api(stack.url, await integrationKey());
    const res = await client.post(PATH, booking(7), { "ce-id": "ce-bin-2", "ce-type": "t" });
    expectProblem(res, 400, "SB_ERR_VALIDATION", "missing: ce-specversion, ce-source");
    expect(await stored(stack, "ce-bin-2")).toEqual([]);
  });

  it("CloudEvents structured mode: the payload is data; an Idempotency-Key still wins over the ce id", async () => {
    const key = await integrationKey();
    const structured = (event: unknown, headers: Record<string, string> = {}) =>
      send(stack.url, "POST", PATH, {
        key,
        contentType: "application/cloudevents+json",
        body: JSON.stringify(event),
        headers,
      });
    const res = await structured(cloudEvent("ce-str-1", booking(8)));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: "ce-str-1", duplicate: false });
    expect((await stored(stack, "ce-str-1"))[0]).toMatchObject({
      data: booking(8),
      headers: { "ce-type": "com.example.scheduling.slot.booked" },
    });
    const keyed = await structured(cloudEvent("ce-str-2", booking(9)), { "idempotency-key": "key-over-ce" });
    expect(keyed.body).toEqual({ messageId: "key-over-ce", duplicate: false });
    const invalid = await structured(cloudEvent("ce-str-3", { status: "booked" }));
    expect(expectProblem(invalid, 422, "SB_ERR_VALIDATION").errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "/bookingId" })]),
    );
    expectProblem(
      await structured({ ...cloudEvent("ce-str-4", booking(9)), specversion: "0.3" }),
      400,
      "SB_ERR_VALIDATION",
      "specversion",
    );
  });

  it("CloudEvents batch: each event validated and published on its own, one result each", async () => {
    const key = await integrationKey();
    const batch = (events: unknown[], headers: Record<string, string> = {}) =>
      send(stack.url, "POST", PATH, {
        key,
        contentType: "application/cloudevents-batch+json",
        body: JSON.stringify(events),
        headers,
      });
    const events = [
      cloudEvent("batch-1", booking(10)),
      cloudEvent("batch-2", { ...booking(11), status: "lost" }),
      { ...cloudEvent("batch-3", booking(12)), source: undefined },
      cloudEvent("batch-4", booking(13)),
    ];
    const res = await batch(events);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { index: 0, messageId: "batch-1", status: 202, duplicate: false },
      {
        index: 1,
        messageId: "batch-2",
        status: 422,
        code: "SB_ERR_VALIDATION",
        errors: [expect.objectContaining({ path: "/status" })],
      },
      {
        index: 2,
        messageId: "batch-3",
        status: 400,
        code: "SB_ERR_VALIDATION",
        errors: [expect.objectContaining({ path: "/source" })],
      },
      { index: 3, messageId: "batch-4", status: 202, duplicate: false },
    ]);
    for (const [id, count] of [
      ["batch-1", 1],
      ["batch-2", 0],
      ["batch-3", 0],
      ["batch-4", 1],
    ] as const) {
      expect(await stored(stack, id), id).toHaveLength(count);
    }
    const again = await batch([cloudEvent("batch-1", booking(10))]);
    expect(again.body.results).toEqual([{ index: 0, messageId: "batch-1", status: 202, duplicate: true }]);
    expectProblem(await batch([]), 400, "SB_ERR_VALIDATION", "1 to 100");
    expectProblem(
      await batch([cloudEvent("batch-5", booking(14))], { "idempotency-key": "k" }),
      400,
      "SB_ERR_VALIDATION",
      "Idempotency-Key does not apply to a batch",
    );
  });

  it("too many events for one key: 429 with Retry-After; other keys are not held back", async () => {
    const key = await integrationKey();
    // One batch of 100 takes far more than the burst (2 × rate): the key is in debt for seconds.
    const events = Array.from({ length: 100 }, (_, i) => cloudEvent(`rate-${i}`, booking(100 + i)));
    const burst = await send(stack.url, "POST", PATH, {
      key,
      contentType: "application/cloudevents-batch+json",
      body: JSON.stringify(events),
    });
    expect(burst.status).toBe(200);
    const limited = await api(stack.url, key).post(PATH, booking(200));
    expectProblem(limited, 429, "SB_ERR_RATE_LIMITED", `${RATE} events per second`);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await api(stack.url, await integrationKey()).post(PATH, booking(201))).status).toBe(202);
  });

  it("keys: none or unknown → 401, another org's → 404, without the integration role → 403", async () => {
    expectProblem(await api(stack.url).post(PATH, booking(0)), 401, "SB_ERR_UNAUTHENTICATED");
    expectProblem(
      await api(stack.url, "sbk_not_a_real_key_0123456789").post(PATH, booking(0)),
      401,
      "SB_ERR_UNAUTHENTICATED",
    );
    const otherKey = await admin.post("/v1/orgs/other/api-keys", { name: "o", roles: ["integration"] });
    expectProblem(await api(stack.url, otherKey.body.key).post(PATH, booking(0)), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cm.post(PATH, booking(0)), 403, "SB_ERR_FORBIDDEN", "integration");
  });

  it("bodies over the limit or nested too deeply are refused by the HTTP edge", async () => {
    const key = await integrationKey();
    const big = JSON.stringify({ ...booking(0), note: "x".repeat(1_100_000) });
    expectProblem(await send(stack.url, "POST", PATH, { key, body: big }), 413, "SB_ERR_BODY_TOO_LARGE");
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    expectProblem(await send(stack.url, "POST", PATH, { key, body: deep }), 400, "SB_ERR_JSON_TOO_DEEP");
  });

  it("the rules engine, running beside it, acts on an ingested event", async () => {
    expect(
      (
        await cm.post("/v1/orgs/hrh/plan-templates", {
          name: "maternity-care",
          roles: ["Patient"],
          forms: ["AppointmentReminder"],
        })
      ).status,
    ).toBe(201);
    expect(
      (await cm.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-ingress" })).status,
    ).toBe(201);
    expect(
      (await cm.put("/v1/orgs/hrh/rules/slot-booked-assigns-reminder?activate=true", reminderRule())).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000)); // rule changes reach the engine within a second
    const client = api(stack.url, await integrationKey());
    const res = await client.post(PATH, booking(300, "pat-ingress"), { "idempotency-key": "sched-rule-1" });
    expect(res.status).toBe(202);
    const runs = await waitFor(
      async () => {
        const r = (await cm.get("/v1/orgs/hrh/rule-runs?ruleId=slot-booked-assigns-reminder")).body.runs;
        const mine = r.filter((run: { messageId: string }) => run.messageId === "sched-rule-1");
        return mine.length > 0 && mine;
      },
      { what: "a rule run for the ingested event" },
    );
    expect(runs[0]).toMatchObject({ status: "succeeded", version: 1 });
    const assignments = (await cm.get("/v1/orgs/hrh/form-assignments?userId=pat-ingress")).body
      .formAssignments;
    expect(assignments).toEqual([
      expect.objectContaining({
        formName: "AppointmentReminder",
        prefill: { appointmentTime: booking(300).slot.start },
      }),
    ]);
  });

  it("NATS stopped: 503 and nothing claimed; after the restart, 202 again", async () => {
    const key = await integrationKey();
    const client = api(stack.url, key);
    expect((await client.post(PATH, booking(400), { "idempotency-key": "warm-up" })).status).toBe(202);
    await stack.nats.stop();
    // Probes under their own ids until the service has noticed: a publish in the instant before
    // that is buffered by the client and may land after the reconnect, under the probe's id.
    let probe = 0;
    const down = await waitFor(
      async () => {
        const res = await client.post(PATH, booking(401), { "idempotency-key": `probe-${probe++}` });
        return res.status === 503 && res;
      },
      { timeoutMs: 30_000, what: "503 while NATS is down" },
    );
    expectProblem(down, 503, "SB_ERR_UNAVAILABLE");
    expect(down.headers.get("retry-after")).not.toBeNull();
    expectProblem(
      await client.post(PATH, booking(401), { "idempotency-key": "while-down" }),
      503,
      "SB_ERR_UNAVAILABLE",
      "not stored",
    );
    await stack.nats.restart();
    const back = await waitFor(
      async () => {
        const res = await client.post(PATH, booking(401), { "idempotency-key": "while-down" });
        return res.status === 202 && res;
      },
      { timeoutMs: 30_000, what: "202 after NATS is back" },
    );
    // The refused attempt stored nothing: the first success is not a duplicate.
    expect(back.body).toEqual({ messageId: "while-down", duplicate: false });
    expect(await stored(stack, "while-down")).toHaveLength(1);
  });
});

/** The ingress in a process of its own: schemas and keys come over NATS, and so do change notices. */
describe("HTTP ingress on its own, beside the other services", () => {
  let stack: TestStack;
  let ingress: ServiceProcess;
  let cm: Api;
  let client: Api;

  beforeAll(async () => {
    stack = await startStack();
    ingress = runEntryPoint("services/ingress/src/main.ts", {
      ...(await stack.nats.auth!.processEnv(["ingress"])),
      SWITCHBOARD_SECRETS_KEYRING: "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      NATS_URL: stack.nats.url,
      DATABASE_URL: stack.database.url,
      PORT: "0",
      HOST: "127.0.0.1",
    });
    const url = (await ingress.waitForOutput(/ingress is running: HTTP (http:\/\/[^\s,]+)/, 90_000))[1]!;
    const admin = api(stack.url, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    const keys = async (roles: string[]) =>
      (await admin.post("/v1/orgs/hrh/api-keys", { name: roles.join("+"), roles })).body.key as string;
    cm = api(stack.url, await keys(["content-manager"]));
    client = api(url, await keys(["integration"]));
  });

  afterAll(async () => {
    await ingress?.stop();
    await stack?.close();
  });

  it("asks the rules engine for the schema and follows its changes", async () => {
    const { name, ...definition } = slotBookedDefinition();
    expectProblem(await client.post(PATH, booking(0)), 404, "SB_ERR_NOT_FOUND");
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    const accepted = await waitFor(
      async () => {
        const res = await client.post(PATH, booking(0), { "idempotency-key": "remote-1" });
        return res.status === 202 && res;
      },
      { what: "the declaration to reach the ingress process" },
    );
    expect(accepted.body).toEqual({ messageId: "remote-1", duplicate: false });
    expect(await stored(stack, "remote-1")).toHaveLength(1);

    // The content manager closes the location field to a fixed list: the ingress follows.
    const schema = structuredClone(definition.schema);
    schema.properties.slot.properties.location = { enum: ["Clinic 1"] };
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, { ...definition, schema })).status).toBe(200);
    // Probes under ids of their own: one accepted before the change arrives must not be remote-2.
    let probe = 0;
    await waitFor(
      async () =>
        (await client.post(PATH, booking(1), { "idempotency-key": `probe-${probe++}` })).status === 422,
      { what: "the changed schema to reach the ingress process" },
    );
    const refused = await client.post(PATH, booking(1), { "idempotency-key": "remote-2" });
    expect(expectProblem(refused, 422, "SB_ERR_VALIDATION", "version 2").errors).toEqual([
      expect.objectContaining({ path: "/slot/location" }),
    ]);
    expect(await stored(stack, "remote-2")).toEqual([]);
  });
});

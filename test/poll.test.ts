import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { setUpOrg } from "./support/org.js";
import { expectProblem } from "./support/problem.js";
import { streamCount } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

type Polled = {
  events: { cursor: string; event: { messageType: string; orgId: string; info: any } }[];
  next: string;
};

/** A system that can neither take webhooks nor speak NATS reads an org's events over HTTP. */
describe("poll API: an org's events after a cursor, by type, with long-poll", () => {
  let stack: TestStack;
  let app: Api;
  let reader: Api;
  let viewer: Api;
  let contentManager: Api;
  let appOnly: Api;
  let otherReader: Api;
  let planId: string;

  const typeOf = (e: { event: { messageType: string } }) => e.event.messageType.split(".").at(-1);
  const poll = (query: string, client: Api = reader) => client.get<Polled>(`/v1/orgs/acme/events?${query}`);

  beforeAll(async () => {
    stack = await startStack({ SWITCHBOARD_POLLS_PER_KEY: "2", SWITCHBOARD_POLLS_PER_ORG: "3" });
    const admin = api(stack.url, ADMIN_KEY);
    ({ app } = await setUpOrg(stack.url, "acme"));
    const other = await setUpOrg(stack.url, "globex");
    const key = async (org: string, roles: string[]) =>
      api(stack.url, (await admin.post(`/v1/orgs/${org}/api-keys`, { name: "reader", roles })).body.key);
    reader = await key("acme", ["integration"]);
    viewer = await key("acme", ["viewer"]);
    contentManager = await key("acme", ["content-manager"]);
    appOnly = await key("acme", ["app"]);
    otherReader = await key("globex", ["integration"]);
    // acme: planCreated ×3, workQueueItemCreated ×1; globex's events interleave, acme's item last.
    // Each event is on the stream before the next is made: plans and work queues publish through
    // relays of their own, which keep no order between them.
    let made = 0;
    const onStream = async (created: Promise<{ status: number }>) => {
      expect((await created).status).toBe(201);
      made++;
      await waitFor(async () => (await streamCount(stack.nats, "EVENTS")) === made, {
        what: `event ${made} of the setup on the stream`,
      });
    };
    for (let i = 0; i < 3; i++) {
      const plan = app.post("/v1/orgs/acme/plans", { templateName: "care", userId: `u-${i}` });
      await onStream(plan);
      planId = (await plan).body.id;
      await onStream(other.app.post("/v1/orgs/globex/plans", { templateName: "care", userId: `g-${i}` }));
    }
    await onStream(app.post("/v1/orgs/acme/work-queues/triage/items", { planId, priority: 1 }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("pages through the org's events with the cursor, in stream order, never another org's", async () => {
    const seen: Polled["events"] = [];
    let after = "0";
    for (let page = 0; page < 5; page++) {
      const res = await poll(`after=${after}&limit=2`);
      expect(res.status).toBe(200);
      if (res.body.events.length === 0) {
        expect(res.body.next).toBe(after);
        break;
      }
      expect(res.body.next).toBe(res.body.events.at(-1)!.cursor);
      seen.push(...res.body.events);
      after = res.body.next;
    }
    expect(seen.map(typeOf)).toEqual(["planCreated", "planCreated", "planCreated", "workQueueItemCreated"]);
    expect(seen.map((e) => e.event.info.userId ?? "item")).toEqual(["u-0", "u-1", "u-2", "item"]);
    expect(seen.every((e) => e.event.orgId === "acme")).toBe(true);
    expect(new Set(seen.map((e) => e.cursor)).size).toBe(4);
  });

  it("filters by type, one or several, and moves the cursor to the stream's end when the rest did not match", async () => {
    const plans = await poll("types=planCreated");
    expect(plans.body.events.map(typeOf)).toEqual(["planCreated", "planCreated", "planCreated"]);
    const items = await poll("types=workQueueItemCreated,formSubmitted");
    expect(items.body.events.map(typeOf)).toEqual(["workQueueItemCreated"]);
    const none = await poll("types=formSubmitted");
    expect(none.body.events).toEqual([]);
    // Nothing to rescan (past globex's last event too), and the cursor shows none of that.
    expect(none.body.next).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await poll(`after=${none.body.next}`)).body).toEqual({ events: [], next: none.body.next });
    expect((await poll("types=formSubmitted", viewer)).status).toBe(200); // viewers may poll too
    // and content managers, whose console shows the org's events live
    const seen = await poll("after=0&types=planCreated", contentManager);
    expect(seen.status).toBe(200);
    expect(seen.body.events.map(typeOf)).toEqual(["planCreated", "planCreated", "planCreated"]);
  });

  it("long-poll: a waiting poll returns as soon as an event arrives", async () => {
    const head = (await poll("")).body.next;
    const waiting = poll(`after=${head}&waitMs=20000`);
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.post("/v1/orgs/acme/plans", { templateName: "care", userId: "late" })).status).toBe(
      201,
    );
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(1);
    expect(res.body.events[0]!.event.info.userId).toBe("late");
    expect(res.body.next).toBe(res.body.events[0]!.cursor);
  });

  it("with nothing to read and waitMs, answers empty with the cursor unchanged", async () => {
    const head = (await poll("")).body.next;
    expect((await poll(`after=${head}&waitMs=300`)).body).toEqual({ events: [], next: head });
  });

  it("a cursor is good for its own org only: another org's is refused", async () => {
    const acmeCursor = (await poll("")).body.next;
    const refused = await otherReader.get(`/v1/orgs/globex/events?after=${acmeCursor}`);
    const problem = expectProblem(refused, 400, "SB_ERR_VALIDATION");
    expect(problem.detail).toContain("not one this org was given");
    const forged = acmeCursor.slice(0, -4) + (acmeCursor.endsWith("AAAA") ? "BBBB" : "AAAA");
    expectProblem(await poll(`after=${forged}`), 400, "SB_ERR_VALIDATION");
  });

  it("limits the polls open at once per key and per org (429 with Retry-After); others go on", async () => {
    const head = (await poll("")).body.next;
    const waiting = [poll(`after=${head}&waitMs=3000`), poll(`after=${head}&waitMs=3000`)];
    await new Promise((r) => setTimeout(r, 300));
    const third = await poll(`after=${head}&waitMs=3000`);
    expectProblem(third, 429, "SB_ERR_RATE_LIMITED");
    expect(third.headers.get("retry-after")).toBe("1");
    // Another key of the org may still poll, up to the org's limit.
    const other = viewer.get<Polled>(`/v1/orgs/acme/events?after=${head}&waitMs=3000`);
    await new Promise((r) => setTimeout(r, 300));
    const overOrg = await api(
      stack.url,
      (
        await api(stack.url, ADMIN_KEY).post("/v1/orgs/acme/api-keys", {
          name: "another reader",
          roles: ["integration"],
        })
      ).body.key,
    ).get(`/v1/orgs/acme/events?after=${head}`);
    expectProblem(overOrg, 429, "SB_ERR_RATE_LIMITED");
    expect((await otherReader.get("/v1/orgs/globex/events")).status).toBe(200); // another org is not held back
    for (const res of await Promise.all([...waiting, other])) expect(res.status).toBe(200);
    expect((await poll(`after=${head}`)).status).toBe(200); // places free again
  });

  it("another org's key gets 404; a key without a reading role gets 403", async () => {
    expectProblem(await poll("", otherReader), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await poll("", appOnly), 403, "SB_ERR_FORBIDDEN");
    expectProblem(await poll("", api(stack.url)), 401, "SB_ERR_UNAUTHENTICATED");
  });

  it("refuses a cursor below zero or not a number, a bad type, and limits out of range", async () => {
    for (const query of [
      "after=-1",
      "after=junk",
      "after=1.5",
      "after=7",
      "limit=0",
      "limit=1001",
      "waitMs=30001",
      "x=1",
    ]) {
      expectProblem(await poll(query), 400, "SB_ERR_VALIDATION");
    }
    for (const query of ["types=plan.created", "types=*", "types=a,,b"]) {
      expectProblem(await poll(query), 400, "SB_ERR_INVALID_NAME");
    }
  });

  // Last: it stops the services (afterAll's close finishes the job).
  it("a long poll under way when the server stops is answered, empty, on a connection that then closes", async () => {
    const head = (await poll("")).body.next;
    const waiting = poll(`after=${head}&waitMs=30000`);
    await new Promise((r) => setTimeout(r, 300));
    await stack.app.stop();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ events: [], next: head });
    // Kept alive, the connection would hold the server's close until its keep-alive timeout.
    expect(res.headers.get("connection")).toBe("close");
  });
});

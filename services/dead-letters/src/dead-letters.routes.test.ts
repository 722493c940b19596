import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { expectProblem } from "../test/support/problem.js";
import { startDeskStack, type DeskStack } from "../test/support/desk-stack.js";

const INBOUND_A = "switchboard.inbound.org-a.scheduling.slotBooked";

describe("dead-letter desk", () => {
  let stack: DeskStack;
  const seq: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startDeskStack();
    seq.undeclared = await stack.deadLetter({
      subject: "switchboard.inbound.org-a.scheduling.slotMoved",
      payload: JSON.stringify({ slot: 1 }),
      msgId: "m-undeclared",
      stage: "undeclared",
      reason: 'inbound event "scheduling.slotMoved" is not declared',
      headers: { "X-Source": "scheduler" },
    });
    seq.invalid = await stack.deadLetter({
      subject: INBOUND_A,
      payload: "{not json",
      msgId: "m-invalid",
      stage: "invalid",
      reason: "payload is not valid JSON",
      details: [{ path: "/", message: "bad" }],
    });
    seq.otherOrg = await stack.deadLetter({
      subject: "switchboard.inbound.org-b.scheduling.slotBooked",
      payload: JSON.stringify({ b: true }),
      msgId: "m-org-b",
      stage: "invalid",
      reason: "org b's",
    });
    seq.failed = await stack.deadLetter({
      subject: INBOUND_A,
      payload: JSON.stringify({ bookingId: "bk-9" }),
      msgId: "m-failed",
      stage: "action-failed",
      reason: "rule r@1: plans unavailable",
      headers: { "Switchboard-Trace-Id": "trace-9" },
    });
    seq.webhook = await stack.deadLetter({
      subject: "switchboard.events.org-a.hookOk",
      payload: JSON.stringify({ messageId: "evt-1" }),
      msgId: "evt-1",
      stage: "webhook",
      reason: "endpoint answered 500 eight times",
    });
    seq.webhookGone = await stack.deadLetter({
      subject: "switchboard.events.org-a.hookGone",
      payload: JSON.stringify({ messageId: "evt-2" }),
      msgId: "evt-2",
      stage: "webhook",
      reason: "endpoint answered 500 eight times",
    });
  });
  afterAll(async () => stack?.close());

  it("lists one org's entries, oldest first, with origin, reason and payload", async () => {
    const res = await stack.client("viewerA").get("/v1/orgs/org-a/dead-letters");
    expect(res.status).toBe(200);
    const ids = res.body.deadLetters.map((d: { id: number }) => d.id);
    expect(ids).toEqual([seq.undeclared, seq.invalid, seq.failed, seq.webhook, seq.webhookGone]);
    expect(res.body.next).toBeNull();
    const [undeclared, invalid] = res.body.deadLetters;
    expect(undeclared).toMatchObject({
      stage: "undeclared",
      reason: 'inbound event "scheduling.slotMoved" is not declared',
      details: null,
      origin: {
        stream: "INBOUND",
        subject: "switchboard.inbound.org-a.scheduling.slotMoved",
        consumer: "origin-test",
        msgId: "m-undeclared",
      },
      deliveries: 1,
      headers: { "X-Source": "scheduler" },
      payload: { slot: 1 },
      payloadEncoding: "json",
      status: "open",
      actions: [],
    });
    expect(undeclared.origin.seq).toBeGreaterThan(0);
    expect(Date.parse(undeclared.deadAt)).not.toBeNaN();
    expect(undeclared.headers["Switchboard-Stage"]).toBeUndefined();
    expect(invalid).toMatchObject({
      payload: "{not json",
      payloadEncoding: "text",
      details: [{ path: "/", message: "bad" }],
    });
  });

  it("filters by stage and pages with a cursor", async () => {
    const viewer = stack.client("viewerA");
    const webhook = await viewer.get("/v1/orgs/org-a/dead-letters?stage=webhook");
    expect(webhook.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.webhook, seq.webhookGone]);
    const first = await viewer.get("/v1/orgs/org-a/dead-letters?limit=2");
    expect(first.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.undeclared, seq.invalid]);
    expect(first.body.next).toBe(seq.invalid);
    const second = await viewer.get(`/v1/orgs/org-a/dead-letters?limit=2&after=${first.body.next}`);
    expect(second.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.failed, seq.webhook]);
    const last = await viewer.get(`/v1/orgs/org-a/dead-letters?limit=2&after=${second.body.next}`);
    expect(last.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.webhookGone]);
    expect(last.body.next).toBeNull();
    expectProblem(await viewer.get("/v1/orgs/org-a/dead-letters?stage=a.b"), 400, "SB_ERR_VALIDATION");
    expectProblem(await viewer.get("/v1/orgs/org-a/dead-letters?status=gone"), 400, "SB_ERR_VALIDATION");
  });

  it("shows one entry, and nothing of another org's", async () => {
    const shown = await stack.client("cmA").get(`/v1/orgs/org-a/dead-letters/${seq.failed}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: seq.failed, stage: "action-failed", status: "open" });
    const cmA = stack.client("cmA");
    expectProblem(await cmA.get(`/v1/orgs/org-a/dead-letters/${seq.otherOrg}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cmA.get("/v1/orgs/org-a/dead-letters/999999"), 404, "SB_ERR_NOT_FOUND");
    const cmB = stack.client("cmB");
    expectProblem(await cmB.get(`/v1/orgs/org-a/dead-letters/${seq.failed}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cmB.get("/v1/orgs/org-a/dead-letters"), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cmB.post(`/v1/orgs/org-a/dead-letters/${seq.failed}/retry`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(
      await cmB.post(`/v1/orgs/org-b/dead-letters/${seq.failed}/resolve`, { comment: "not mine" }),
      404,
      "SB_ERR_NOT_FOUND",
    );
    const own = await cmB.get("/v1/orgs/org-b/dead-letters");
    expect(own.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.otherOrg]);
  });

  it("retries by republishing the original to its subject under a new id, and keeps the trail", async () => {
    const res = await stack.client("integrationA").post(`/v1/orgs/org-a/dead-letters/${seq.failed}/retry`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: seq.failed,
      outcome: "retried",
      attempt: 1,
      newMsgId: `m-failed~retry-${seq.failed}-1`,
    });
    const got = await waitFor(() => stack.received.find((m) => m.msgId === `m-failed~retry-${seq.failed}-1`));
    expect(got.subject).toBe(INBOUND_A);
    expect(got.json()).toEqual({ bookingId: "bk-9" });
    expect(got.headers).toMatchObject({
      "Switchboard-Message-Id": "m-failed",
      "Switchboard-Retry-Of": String(seq.failed),
      "Switchboard-Trace-Id": "trace-9",
      "X-Test-Stage": "action-failed",
    });
    expect(got.headers["Switchboard-Reason"]).toBeUndefined();
    expect(got.headers["Switchboard-Origin-Seq"]).toBeUndefined();

    const again = await stack.client("cmA").post(`/v1/orgs/org-a/dead-letters/${seq.failed}/retry`);
    expect(again.body).toMatchObject({
      outcome: "retried",
      attempt: 2,
      newMsgId: `m-failed~retry-${seq.failed}-2`,
    });
    await waitFor(() => stack.received.find((m) => m.msgId === `m-failed~retry-${seq.failed}-2`));

    const shown = await stack.client("viewerA").get(`/v1/orgs/org-a/dead-letters/${seq.failed}`);
    expect(shown.body.status).toBe("retried");
    expect(shown.body.actions).toMatchObject([
      { action: "retried", by: "key:k-int-a", newMsgId: `m-failed~retry-${seq.failed}-1`, comment: null },
      { action: "retried", by: "key:k-cm-a", newMsgId: `m-failed~retry-${seq.failed}-2` },
    ]);
    const retried = await stack.client("viewerA").get("/v1/orgs/org-a/dead-letters?status=retried");
    expect(retried.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.failed]);
    // The stream still holds the entry: the desk never deletes.
    expect((await stack.client("viewerA").get(`/v1/orgs/org-a/dead-letters/${seq.failed}`)).status).toBe(200);
  });

  it("resolves once with a comment; then neither resolve nor retry applies", async () => {
    const cmA = stack.client("cmA");
    const res = await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.undeclared}/resolve`, {
      comment: "slotMoved is not something we handle",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: seq.undeclared,
      status: "resolved",
      actions: [{ action: "resolved", comment: "slotMoved is not something we handle", by: "key:k-cm-a" }],
    });
    expectProblem(
      await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.undeclared}/resolve`, { comment: "again" }),
      409,
      "SB_ERR_CONFLICT",
    );
    const retry = await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.undeclared}/retry`);
    expect(retry.body).toMatchObject({ id: seq.undeclared, outcome: "failed", code: "SB_ERR_CONFLICT" });
    expectProblem(
      await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.invalid}/resolve`, { comment: "   " }),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(
      await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.invalid}/resolve`, { comment: "x".repeat(2001) }),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(
      await stack
        .client("viewerA")
        .post(`/v1/orgs/org-a/dead-letters/${seq.invalid}/resolve`, { comment: "x" }),
      403,
      "SB_ERR_FORBIDDEN",
    );
    expectProblem(await stack.client("appA").get("/v1/orgs/org-a/dead-letters"), 403, "SB_ERR_FORBIDDEN");
    const resolved = await stack.client("viewerA").get("/v1/orgs/org-a/dead-letters?status=resolved");
    expect(resolved.body.deadLetters.map((d: { id: number }) => d.id)).toEqual([seq.undeclared]);
  });

  it("asks the webhook bridge to replay a webhook entry, and reports its refusal as a failed retry", async () => {
    const cmA = stack.client("cmA");
    const ok = await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.webhook}/retry`);
    expect(ok.body).toEqual({ id: seq.webhook, outcome: "retried", attempt: 1, newMsgId: null });
    expect(stack.replays).toEqual([
      {
        orgId: "org-a",
        idempotencyKey: `dead-letters/${seq.webhook}/retry-1`,
        params: { subscriptionId: "sub-1", messageId: "evt-1" },
      },
    ]);
    const gone = await cmA.post(`/v1/orgs/org-a/dead-letters/${seq.webhookGone}/retry`);
    expect(gone.body).toMatchObject({ id: seq.webhookGone, outcome: "failed", code: "SB_ERR_NOT_FOUND" });
    expect(gone.body.error).toContain("subscription sub-gone does not exist");
    const shown = await cmA.get(`/v1/orgs/org-a/dead-letters/${seq.webhookGone}`);
    expect(shown.body).toMatchObject({ status: "open", actions: [] });
  });

  it("retries several, by ids or as the open entries of a stage, and counts per stage", async () => {
    const cmA = stack.client("cmA");
    const byIds = await cmA.post("/v1/orgs/org-a/dead-letters/retry", { ids: [seq.invalid, seq.otherOrg] });
    expect(byIds.status).toBe(200);
    expect(byIds.body.results).toMatchObject([
      { id: seq.invalid, outcome: "retried", attempt: 1 },
      { id: seq.otherOrg, outcome: "failed", code: "SB_ERR_NOT_FOUND" },
    ]);
    const fresh = await stack.deadLetter({
      subject: INBOUND_A,
      payload: JSON.stringify({ n: 1 }),
      msgId: "m-invalid-2",
      stage: "invalid",
      reason: "schema",
    });
    const byStage = await cmA.post("/v1/orgs/org-a/dead-letters/retry", { status: "open", stage: "invalid" });
    expect(byStage.body).toEqual({
      results: [{ id: fresh, outcome: "retried", attempt: 1, newMsgId: `m-invalid-2~retry-${fresh}-1` }],
      next: null,
    });
    expectProblem(
      await cmA.post("/v1/orgs/org-a/dead-letters/retry", { ids: [seq.invalid], status: "open" }),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(await cmA.post("/v1/orgs/org-a/dead-letters/retry", {}), 400, "SB_ERR_VALIDATION");

    const summary = await stack.client("viewerA").get("/v1/orgs/org-a/dead-letters/summary");
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      stages: {
        undeclared: { open: 0, retried: 0, resolved: 1 },
        invalid: { open: 0, retried: 2, resolved: 0 },
        "action-failed": { open: 0, retried: 1, resolved: 0 },
        webhook: { open: 1, retried: 1, resolved: 0 },
      },
      scanned: 6,
      complete: true,
    });
  });
});

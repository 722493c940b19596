import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { startDeskStack, type DeskReplica, type DeskStack } from "../test/support/desk-stack.js";

const SUBJECT = "switchboard.inbound.org-a.scheduling.slotBooked";

/** The desk as distributed mode runs it: two replicas on one NATS and one database. */
describe("the dead-letters service, replicated", () => {
  let stack: DeskStack;
  let replica: DeskReplica;

  beforeAll(async () => {
    stack = await startDeskStack();
    replica = await stack.startReplica();
  });
  afterAll(async () => {
    await replica?.stop();
    await stack?.close();
  });

  const deadLetter = (msgId: string) =>
    stack.deadLetter({
      subject: SUBJECT,
      payload: JSON.stringify({ msgId }),
      msgId,
      stage: "rules",
      reason: "x",
    });
  const desks = () => [stack.client("cmA"), replica.client("cmA")];

  it("numbers concurrent retries of one entry from both replicas 1 to 4 and republishes each once", async () => {
    const seq = await deadLetter("m-retried");
    const path = `/v1/orgs/org-a/dead-letters/${seq}/retry`;
    const answers = await Promise.all([...desks(), ...desks()].map((desk) => desk.post(path)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const attempts = answers.map((a) => (a.body as { attempt: number }).attempt).sort();
    expect(attempts).toEqual([1, 2, 3, 4]);
    const ids = [1, 2, 3, 4].map((n) => `m-retried~retry-${seq}-${n}`);
    await waitFor(() => ids.every((id) => stack.received.some((m) => m.msgId === id)), { what: "4 retries" });
    expect(stack.received.filter((m) => m.headers["Switchboard-Retry-Of"] === String(seq))).toHaveLength(4);
    // The trail is the database's: the other replica shows what both did.
    const shown = await replica.client("viewerA").get(`/v1/orgs/org-a/dead-letters/${seq}`);
    expect(shown.body.actions).toHaveLength(4);
  });

  it("lets one of concurrent resolves from both replicas close an entry; the rest, and later retries, conflict", async () => {
    const seq = await deadLetter("m-resolved");
    const path = `/v1/orgs/org-a/dead-letters/${seq}/resolve`;
    const answers = await Promise.all(
      [...desks(), ...desks()].map((desk, n) => desk.post(path, { comment: `closed by ${n}` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body).toMatchObject({ code: "SB_ERR_CONFLICT" });
    for (const desk of desks()) {
      const retry = await desk.post(`/v1/orgs/org-a/dead-letters/${seq}/retry`);
      expect(retry.body).toMatchObject({ outcome: "failed", code: "SB_ERR_CONFLICT" });
    }
    const shown = await stack.client("viewerA").get(`/v1/orgs/org-a/dead-letters/${seq}`);
    expect(shown.body).toMatchObject({ status: "resolved", actions: [{ action: "resolved" }] });
    expect(shown.body.actions).toHaveLength(1);
  });
});

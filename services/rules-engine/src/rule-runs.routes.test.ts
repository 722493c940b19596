import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import { expectProblem } from "../test/support/problem.js";
import { insertRuleRuns, type RuleRunWrite } from "./rule-run.repository.js";

const run = (orgId: string, ruleId: string, i: number): RuleRunWrite => ({
  orgId,
  ruleId,
  version: 1,
  trigger: { kind: "inbound", name: "scheduling.slotBooked" },
  messageId: `m-${i}`,
  dedupKey: `id:m-${i}`,
  status: "succeeded",
  input: { i },
  actions: [{ index: 0, type: "assignForm", result: { id: `a-${i}` } }],
});

describe("rule runs", () => {
  let stack: RulesStack;

  beforeAll(async () => {
    stack = await startRulesStack();
    await insertRuleRuns(
      stack.db,
      [1, 2, 3, 4, 5].map((i) => run("org-a", i % 2 === 0 ? "even" : "odd", i)),
    );
    await insertRuleRuns(stack.db, [run("org-b", "odd", 6)]);
  });
  afterAll(async () => stack?.close());

  it("lists an org's runs newest first, by rule, a page at a time", async () => {
    const viewer = stack.client("viewerA");
    const all = await viewer.get("/v1/orgs/org-a/rule-runs");
    expect(all.status).toBe(200);
    expect(all.body.runs.map((r: { messageId: string }) => r.messageId)).toEqual([
      "m-5",
      "m-4",
      "m-3",
      "m-2",
      "m-1",
    ]);
    expect(all.body.runs[0]).toMatchObject({
      ruleId: "odd",
      version: 1,
      trigger: { kind: "inbound", name: "scheduling.slotBooked" },
      status: "succeeded",
      input: { i: 5 },
      dedupKey: "id:m-5",
    });
    expect(all.body.next).toBeNull();
    const odd = await stack.client("cmA").get("/v1/orgs/org-a/rule-runs?ruleId=odd&limit=2");
    expect(odd.body.runs.map((r: { messageId: string }) => r.messageId)).toEqual(["m-5", "m-3"]);
    const rest = await viewer.get(`/v1/orgs/org-a/rule-runs?ruleId=odd&limit=2&before=${odd.body.next}`);
    expect(rest.body.runs.map((r: { messageId: string }) => r.messageId)).toEqual(["m-1"]);
  });

  it("filters by outcome and by time, a page at a time", async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 11, 3, 9, i));
    await insertRuleRuns(
      stack.db,
      [1, 2, 3, 4, 5, 6].map((i) => ({
        ...run("org-c", "timed", 10 + i),
        status: i % 3 === 0 ? "failed" : "succeeded",
        createdAt: at(i),
      })),
    );
    const viewer = stack.client("viewerC");
    const ids = (r: { body: { runs: { messageId: string }[] } }) => r.body.runs.map((x) => x.messageId);
    expect(ids(await viewer.get("/v1/orgs/org-c/rule-runs?status=failed"))).toEqual(["m-16", "m-13"]);
    const window = "from=2026-12-03T09:02:00Z&to=2026-12-03T10:05:00%2B01:00";
    expect(ids(await viewer.get(`/v1/orgs/org-c/rule-runs?${window}`))).toEqual(["m-14", "m-13", "m-12"]);
    const page = await viewer.get(`/v1/orgs/org-c/rule-runs?status=succeeded&${window}&limit=1`);
    expect(ids(page)).toEqual(["m-14"]);
    const rest = await viewer.get(
      `/v1/orgs/org-c/rule-runs?status=succeeded&${window}&before=${page.body.next}`,
    );
    expect(ids(rest)).toEqual(["m-12"]);
    expect(rest.body.next).toBeNull();
  });

  it("says which filter value is wrong", async () => {
    const viewer = stack.client("viewerC");
    const status = await viewer.get("/v1/orgs/org-c/rule-runs?status=ok");
    expectProblem(status, 400, "SB_ERR_VALIDATION");
    expect(JSON.stringify(status.body)).toContain("status");
    for (const [query, named] of [
      ["from=yesterday", 'from must be a date-time with a zone, e.g. 2026-12-03T09:30:00Z; got "yesterday"'],
      [
        "to=2026-02-30T10:00:00Z",
        'to must be a date-time with a zone, e.g. 2026-12-03T09:30:00Z; got "2026-02-30T10:00:00Z"',
      ],
      [
        "from=2026-12-03T10:00:00",
        'from must be a date-time with a zone, e.g. 2026-12-03T09:30:00Z; got "2026-12-03T10:00:00"',
      ],
      [
        "from=2026-12-04T00:00:00Z&to=2026-12-03T00:00:00Z",
        "from (2026-12-04T00:00:00Z) is after to (2026-12-03T00:00:00Z)",
      ],
    ] as const) {
      const answer = await viewer.get(`/v1/orgs/org-c/rule-runs?${query}`);
      expectProblem(answer, 400, "SB_ERR_VALIDATION");
      expect(answer.body.detail).toBe(named);
    }
  });

  it("keeps orgs apart and refuses bad paging", async () => {
    expectProblem(await stack.client("cmB").get("/v1/orgs/org-a/rule-runs"), 404, "SB_ERR_NOT_FOUND");
    expect(
      (await stack.client("cmB").get("/v1/orgs/org-b/rule-runs")).body.runs.map(
        (r: { messageId: string }) => r.messageId,
      ),
    ).toEqual(["m-6"]);
    expectProblem(
      await stack.client("viewerA").get("/v1/orgs/org-a/rule-runs?limit=0"),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(await stack.client("appA").get("/v1/orgs/org-a/rule-runs"), 403, "SB_ERR_FORBIDDEN");
  });
});

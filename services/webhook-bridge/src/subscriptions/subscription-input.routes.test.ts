import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import type { Api } from "@switchboard/testing";
import { createNoopDeliveryControlForTests } from "../../test/support/noop-delivery-control.js";
import { expectProblem } from "@switchboard/testing";
import {
  runWebhookBridgeStack,
  webhookStackEnv,
  type WebhookBridgeStack,
} from "../../test/support/webhook-bridge-stack.js";

const HOOKS = "/v1/orgs/org-a/webhooks";
const BODY_LIMIT = 65_536;
const valid = { url: "http://127.0.0.1:9/hook", eventTypes: ["formSubmitted"] };

/** [what, body, code, detail]: each one is refused with a problem that says what is wrong. */
const refused: [string, Record<string, unknown>, string, string | RegExp][] = [
  [
    "a URL that is not http(s)",
    { url: "ftp://example.org/in" },
    "SB_ERR_VALIDATION",
    "must use http: or https:, not ftp:",
  ],
  ["a URL that is not a URL", { url: "not a url" }, "SB_ERR_VALIDATION", "is not a valid absolute URL"],
  [
    "credentials in the URL",
    { url: "https://user:pw@93.184.216.34/in" },
    "SB_ERR_VALIDATION",
    "must not contain credentials",
  ],
  [
    "a private address",
    { url: "http://10.1.2.3/in" },
    "SB_ERR_VALIDATION",
    /10\.1\.2\.3 is a private .* may not reach/,
  ],
  ["a loopback address not allowlisted", { url: "http://[::1]:8080/in" }, "SB_ERR_VALIDATION", "loopback"],
  ["the metadata address", { url: "http://169.254.169.254/latest" }, "SB_ERR_VALIDATION", "link-local"],
  [
    "an event type with a subject wildcard",
    { eventTypes: ["formSubmitted", "a.>"] },
    "SB_ERR_VALIDATION",
    'eventTypes/1: event type "a.>" is invalid',
  ],
  [
    "an event type that is a wildcard token",
    { eventTypes: ["*.x"] },
    "SB_ERR_VALIDATION",
    '"*.x" is invalid',
  ],
  [
    "an event type with a space",
    { eventTypes: ["slot booked"] },
    "SB_ERR_VALIDATION",
    '"slot booked" is invalid',
  ],
  ["a dotted event type", { eventTypes: ["slot.booked"] }, "SB_ERR_VALIDATION", '"slot.booked" is invalid'],
  ["no event type", { eventTypes: [] }, "SB_ERR_VALIDATION", "eventTypes"],
  [
    "a filter with an unknown operator",
    { filter: { regex: [{ var: "info.formName" }, "R.*"] } },
    "SB_ERR_VALIDATION",
    'unknown operator "regex"',
  ],
  [
    "a filter reading JavaScript internals",
    { filter: { "==": [{ var: "info.constructor" }, 1] } },
    "SB_ERR_VALIDATION",
    "unsafe var path",
  ],
  [
    "a filter with a wrong argument count",
    { filter: { map: [[1]] } },
    "SB_ERR_VALIDATION",
    "the filter is not valid JSON Logic",
  ],
  [
    "a mapping target through __proto__",
    { mapping: { "patient.__proto__.admin": true } },
    "SB_ERR_VALIDATION",
    'segment "__proto__"',
  ],
  [
    "a mapping target through prototype",
    { mapping: { "a.prototype": 1 } },
    "SB_ERR_VALIDATION",
    'segment "prototype"',
  ],
  [
    "a mapping value with an unknown operator",
    { mapping: { name: { eval: "1" } } },
    "SB_ERR_VALIDATION",
    'unknown operator "eval"',
  ],
  [
    "overlapping mapping targets",
    { mapping: { patient: 1, "patient.name": 2 } },
    "SB_ERR_VALIDATION",
    "overlap",
  ],
  ["a mapping that is a list", { mapping: [] }, "SB_ERR_VALIDATION", "mapping"],
  [
    "an auth header value with CR/LF",
    { auth: { type: "header", name: "X-Api-Key", value: "k\r\nX-Injected: yes" } },
    "SB_ERR_VALIDATION",
    "auth.value must not contain control characters such as CR or LF",
  ],
  [
    "an auth header name with CR/LF",
    { auth: { type: "header", name: "X-Key\r\nX-Injected", value: "k" } },
    "SB_ERR_VALIDATION",
    "auth.name",
  ],
  [
    "a bearer token with LF",
    { auth: { type: "bearer", token: "abc\ndef" } },
    "SB_ERR_VALIDATION",
    "auth.token must not contain control characters",
  ],
  [
    "a basic password with CR",
    { auth: { type: "basic", username: "u", password: "p\rq" } },
    "SB_ERR_VALIDATION",
    "auth.password",
  ],
  [
    "a basic username with a colon",
    { auth: { type: "basic", username: "a:b", password: "p" } },
    "SB_ERR_VALIDATION",
    "must not contain ':'",
  ],
  [
    "an auth header the bridge sets",
    { auth: { type: "header", name: "Webhook-Signature", value: "v1,x" } },
    "SB_ERR_VALIDATION",
    "sets that header itself",
  ],
  [
    "an unknown auth type",
    { auth: { type: "oauth", token: "t" } },
    "SB_ERR_VALIDATION",
    'auth.type must be "basic", "bearer" or "header"',
  ],
  [
    "an auth field of another type",
    { auth: { type: "bearer", token: "t", password: "p" } },
    "SB_ERR_VALIDATION",
    'not "password"',
  ],
  ["a negative retry delay", { retrySchedule: [0, -5] }, "SB_ERR_VALIDATION", "retrySchedule: delay 2 (-5)"],
  ["an empty retry schedule", { retrySchedule: [] }, "SB_ERR_VALIDATION", "retrySchedule"],
  ["a timeout below 100 ms", { timeoutMs: 50 }, "SB_ERR_VALIDATION", "timeoutMs"],
  ["a timeout above 30 s", { timeoutMs: 30_001 }, "SB_ERR_VALIDATION", "timeoutMs"],
  ["a rate limit of 0", { rateLimitPerSecond: 0 }, "SB_ERR_VALIDATION", "rateLimitPerSecond"],
  ["an unknown property", { retries: 3 }, "SB_ERR_VALIDATION", "retries"],
  ["ordered as a string", { ordered: "yes" }, "SB_ERR_VALIDATION", "ordered"],
];

describe("webhook subscriptions refuse bad input with problem+json and write nothing", () => {
  const delivery = createNoopDeliveryControlForTests();
  let stack: WebhookBridgeStack;
  let cm: Api;
  let existing: string;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_webhooks_input");
    stack = await runWebhookBridgeStack({
      config: loadConfig(
        webhookStackEnv(nats.url, database.url, { SWITCHBOARD_BODY_LIMIT_BYTES: String(BODY_LIMIT) }),
      ),
      natsUrl: nats.url,
      databaseUrl: database.url,
      delivery: () => delivery,
      cleanup: async () => {
        await database.drop();
        await nats.close();
      },
    });
    cm = stack.client("cmA");
    existing = (await cm.post(HOOKS, valid)).body.id;
  });
  afterAll(async () => stack?.close());

  for (const [what, change, code, detail] of refused) {
    it(`refuses ${what}`, async () => {
      const before = (await cm.get(HOOKS)).body;
      const calls = delivery.calls.length;
      expectProblem(await cm.post(HOOKS, { ...valid, ...change }), 400, code, detail);
      expectProblem(await cm.patch(`${HOOKS}/${existing}`, change), 400, code, detail);
      expect((await cm.get(HOOKS)).body).toEqual(before);
      expect(delivery.calls.length).toBe(calls);
    });
  }

  it("accepts the custom event types that rules emit beside the platform's own", async () => {
    const res = await cm.post(HOOKS, {
      ...valid,
      eventTypes: ["slotReminderSent", "formSubmitted", "intake_done-2"],
    });
    expect(res.status).toBe(201);
    expect(res.body.eventTypes).toEqual(["slotReminderSent", "formSubmitted", "intake_done-2"]);
    const patched = await cm.patch(`${HOOKS}/${res.body.id}`, { eventTypes: ["slotReminderSent"] });
    expect(patched.status).toBe(200);
    expect(patched.body.eventTypes).toEqual(["slotReminderSent"]);
  });

  it("names each malformed event type and where it is", async () => {
    const problem = expectProblem(
      await cm.post(HOOKS, { ...valid, eventTypes: ["slotReminderSent", "a.>", "x y"] }),
      400,
      "SB_ERR_VALIDATION",
      /^eventTypes\/1: event type "a\.>" is invalid: .*; eventTypes\/2: event type "x y" is invalid/,
    );
    expect(problem.detail).toContain("a custom type that a rule emits");
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "body/eventTypes/1" }),
      expect.objectContaining({ path: "body/eventTypes/2" }),
    ]);
  });

  it("refuses a __proto__ key anywhere in the body at the edge", async () => {
    const body = '{"url": "http://127.0.0.1:9/", "eventTypes": ["*"], "mapping": {"__proto__": {"x": 1}}}';
    expectProblem(await cm.postRaw(HOOKS, body), 400, "SB_ERR_MALFORMED_JSON", '"__proto__" is not allowed');
  });

  it("refuses a body over the limit (413) and malformed JSON", async () => {
    const huge = JSON.stringify({ ...valid, description: "x".repeat(BODY_LIMIT) });
    expectProblem(await cm.postRaw(HOOKS, huge), 413, "SB_ERR_BODY_TOO_LARGE");
    expectProblem(await cm.postRaw(HOOKS, '{"url": '), 400, "SB_ERR_MALFORMED_JSON");
    expectProblem(
      await cm.post(HOOKS, { ...valid, description: "x".repeat(2001) }),
      400,
      "SB_ERR_VALIDATION",
      "description",
    );
  });

  it("requires url and eventTypes on create, and something to change on PATCH", async () => {
    expectProblem(await cm.post(HOOKS, { url: valid.url }), 400, "SB_ERR_VALIDATION", "eventTypes");
    expectProblem(await cm.post(HOOKS, { eventTypes: ["*"] }), 400, "SB_ERR_VALIDATION", "url");
    expectProblem(await cm.patch(`${HOOKS}/${existing}`, {}), 400, "SB_ERR_VALIDATION");
  });

  it("lists every problem of a filter, pointing at each", async () => {
    const filter = { and: [{ regex: [1] }, { "==": [{ var: "__proto__.a" }, 1] }] };
    const problem = expectProblem(
      await cm.post(HOOKS, { ...valid, filter }),
      400,
      "SB_ERR_VALIDATION",
      "(and 1 more)",
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: "body/filter/and/0", code: "operator" }),
      expect.objectContaining({ path: "body/filter/and/1/==/0/var", code: "unsafe-var" }),
    ]);
  });

  it("never echoes a credential in a problem", async () => {
    const value = "leak-me-not\r\nX-Evil: 1";
    const res = await cm.post(HOOKS, { ...valid, auth: { type: "header", name: "X-Api-Key", value } });
    expectProblem(res, 400, "SB_ERR_VALIDATION");
    expect(JSON.stringify(res.body)).not.toContain("leak-me-not");
  });
});

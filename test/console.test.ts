import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
// The client a third party would use with the downloaded .creds file.
import { connect, credsAuthenticator, type NatsConnection } from "nats";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { CONSOLE_CSP } from "@switchboard/console";
import { api, type Api } from "./support/api.js";
import { collectPageErrors, launchChromium, screenshot, seriousViolations } from "./support/browser.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { requestsTo, verifiedBody, WebhookSink } from "./support/scenario-webhook-sink.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

/**
 * The web console in a real Chromium against a running Switchboard (real NATS and PostgreSQL): what a
 * content manager does in it, what a viewer cannot, and axe-core on every screen. Screenshots go to
 * test/artifacts/console/.
 */
const SLOT_SCHEMA = {
  type: "object",
  properties: {
    bookingId: { type: "string" },
    status: { type: "string" },
    patientId: { type: "string" },
    slot: {
      type: "object",
      properties: { start: { type: "string" }, end: { type: "string" } },
      required: ["start"],
    },
  },
  required: ["bookingId", "status", "slot"],
};
const ruleText = (path: string) => `{
  "id": "slot-reminder",
  "description": "When a slot is booked, announce the reminder",
  "on": { "inbound": "scheduling.slotBooked" },
  "when": { "==": [{ "var": "status" }, "booked"] },
  "actions": [
    { "emit": { "eventType": "slotReminderSent", "info": { "start": { "var": "${path}" } } } }
  ]
}`;
const SLOT = {
  bookingId: "bk-77",
  status: "booked",
  patientId: "ada",
  slot: { start: "2026-12-03T09:30:00Z" },
};

let stack: TestStack;
let sink: WebhookSink;
let browser: Browser;
let keys: { cm: string; viewer: string; integration: string };
let cmContext: BrowserContext;
let page: Page;
let pageErrors: string[];
let webhookId: string;

async function createKey(admin: Api, roles: string[]): Promise<string> {
  const made = await admin.post("/v1/orgs/hrh/api-keys", { name: roles.join("+"), roles });
  expect(made.status).toBe(201);
  return made.body.key as string;
}

/** Replaces the whole text of the CodeMirror editor whose content carries `id`. */
async function typeInEditor(p: Page, id: string, text: string): Promise<void> {
  const content = p.locator(`#${id}`);
  await content.click();
  await p.keyboard.press("Control+A");
  await p.keyboard.press("Delete");
  await p.keyboard.insertText(text);
}

/** Clicks `refresh` until `target` shows (what the page polls for has happened on the server). */
async function refreshUntilVisible(refresh: Locator, target: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await target.isVisible())) {
    if (Date.now() > deadline) throw new Error(`${target.toString()} did not show within ${timeoutMs} ms`);
    await refresh.click();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** What the page logged that the tests fail on: CSP refusals and script errors. */
const pageProblems = (errors: string[]) =>
  errors.filter((e) => /Content Security Policy|Refused to|EvalError|Uncaught/i.test(e));

/** A NATS connection as a third party makes it with a .creds file. */
const connectWith = (creds: string): Promise<NatsConnection> =>
  connect({
    servers: stack.nats.url,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    reconnect: false,
  });

async function signIn(p: Page, key: string): Promise<void> {
  await p.goto(`${stack.url}/console/`);
  await p.getByLabel("API key").fill(key);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.locator("#who-org").waitFor();
}

beforeAll(async () => {
  [stack, sink, browser] = await Promise.all([
    startStack({ SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1" }),
    new WebhookSink().start(),
    launchChromium(),
  ]);
  const admin = api(stack.url, ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: "hrh", name: "Healix Regional Health" })).status).toBe(201);
  keys = {
    cm: await createKey(admin, ["content-manager"]),
    viewer: await createKey(admin, ["viewer"]),
    integration: await createKey(admin, ["integration"]),
  };
  cmContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  cmContext.setDefaultTimeout(10_000);
  page = await cmContext.newPage();
  pageErrors = collectPageErrors(page);
});

afterEach(async (context) => {
  // What the page showed when a step failed, beside the screenshots of each screen.
  if (context.task.result?.errors?.length && page !== undefined && !page.isClosed()) {
    const name = context.task.name.slice(0, 40).replaceAll(/[^A-Za-z0-9]+/g, "-");
    await screenshot(page, `failed-${name}`).catch(() => undefined);
  }
});

afterAll(async () => {
  await browser?.close();
  await sink?.stop();
  await stack?.close();
});

describe("the console, as a content manager", () => {
  it("is served with a strict Content-Security-Policy", async () => {
    const response = await fetch(`${stack.url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain("unsafe");
  });

  it("signs in with a key and shows its org and roles", async () => {
    await signIn(page, keys.cm);
    expect(await page.locator("#who-org").textContent()).toBe("hrh");
    expect(await page.locator("#who-roles").textContent()).toContain("content-manager");
    await screenshot(page, "rules-empty");
  });

  it("declares an inbound event's payload schema", async () => {
    await page.getByRole("link", { name: "Inbound events" }).click();
    await page.getByRole("button", { name: "Declare an inbound event" }).click();
    await page.getByLabel("Name").fill("scheduling.slotBooked");
    await page.getByLabel("Description").fill("A booked slot");
    // An emptied editor is checked too (an error at the very end of an empty text), and goes on working.
    await page.locator("#definition-schema").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.locator('ul[aria-label="Schema problems"] li', { hasText: "not valid JSON" }).waitFor();
    await page.keyboard.insertText(JSON.stringify(SLOT_SCHEMA, null, 2));
    await expect.poll(() => page.locator('ul[aria-label="Schema problems"] li').count()).toBe(0);
    await page.getByRole("button", { name: "Save inbound event" }).click();
    await page.getByText("saved inbound event scheduling.slotBooked").waitFor();
    await page.getByRole("cell", { name: "scheduling.slotBooked", exact: true }).waitFor();
    await screenshot(page, "inbound-events");
  });

  it("shows a misspelt var path at its line with the suggestion, then a clean rule once fixed", async () => {
    await page.goto(`${stack.url}/console/#/rules/new`);
    await page.locator("#rule-editor").waitFor();
    await typeInEditor(page, "rule-editor", ruleText("slot.strat"));
    // The list shows the last check's findings: once the suggestion is there, it is this text's.
    const finding = page.locator('ul[aria-label="Rule problems"] li');
    await finding.filter({ hasText: 'did you mean "slot.start"' }).waitFor();
    expect(await finding.count()).toBe(1);
    expect(await finding.first().getAttribute("data-line")).toBe("7");
    expect(await finding.first().textContent()).toContain("warning");
    // CodeMirror marks the same line.
    await page.locator(".cm-line").nth(6).locator(".cm-lintRange-warning").waitFor();
    await screenshot(page, "rule-editor-warning");

    await typeInEditor(page, "rule-editor", ruleText("slot.start"));
    await expect.poll(() => finding.count()).toBe(0);
  });

  it("dry-runs the rule on a typed payload, saves it and activates it", async () => {
    await page.getByLabel("Payload").fill(JSON.stringify(SLOT));
    await page.getByRole("button", { name: "Dry-run on this payload" }).click();
    const results = page.getByRole("region", { name: "Dry run results" });
    await results.getByText("matches").waitFor();
    expect(await results.textContent()).toContain("2026-12-03T09:30:00Z");
    await screenshot(page, "rule-dry-run");

    await page.getByRole("button", { name: "Save new version" }).click();
    await page.getByText("saved version 1").waitFor();
    await page.getByRole("button", { name: "Activate version 1" }).click();
    await page.getByText("version 1 is active").waitFor();
    await page.getByText("Active version: 1").waitFor();
    await screenshot(page, "rule-active");

    // A second version, compared with the first by the rules package's diff in the page.
    await typeInEditor(
      page,
      "rule-editor",
      ruleText("slot.start").replace("announce the reminder", "remind"),
    );
    await page.getByRole("button", { name: "Save new version" }).click();
    await page.getByText("saved version 2").waitFor();
    await page.getByRole("button", { name: "Activate version 2" }).waitFor();
    await page.getByLabel("From version").selectOption("1");
    await page.getByLabel("To version").selectOption("2");
    await page.getByRole("button", { name: "Compare versions" }).click();
    const differences = await page.getByLabel("differences between the versions").textContent();
    const changes = JSON.parse(differences!) as unknown[];
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      path: "/description",
      before: "When a slot is booked, announce the reminder",
      after: "When a slot is booked, remind",
    });
  });

  it("subscribes a webhook, then sees an event's rule run and the webhook's delivery attempt", async () => {
    await page.goto(`${stack.url}/console/#/webhooks`);
    await page.getByLabel("Endpoint URL").fill(sink.url("/reminders"));
    await page.getByLabel("Event types (comma-separated, * for all)").fill("slotReminderSent");
    await page.getByRole("button", { name: "Subscribe" }).click();
    const created = await page.getByText(/created wh_/).textContent();
    webhookId = /created (wh_[A-Za-z0-9_-]+)/.exec(created ?? "")![1]!;

    const posted = await api(stack.url, keys.integration).post(
      "/v1/orgs/hrh/inbound/scheduling.slotBooked",
      SLOT,
      {
        "idempotency-key": "booking-77",
      },
    );
    expect(posted.status).toBe(202);

    await page.goto(`${stack.url}/console/#/runs`);
    const run = page.locator('tr[data-rule="slot-reminder"]');
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh" }), run);
    expect(await run.textContent()).toContain("succeeded");
    await screenshot(page, "rule-runs");

    await page.goto(`${stack.url}/console/#/webhooks/${webhookId}`);
    const delivered = page.locator("tr.attempt", { hasText: "delivered" });
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh attempts" }), delivered);
    expect(await delivered.first().textContent()).toContain("slotReminderSent");
    expect(sink.to("/reminders").length).toBeGreaterThanOrEqual(1);
    await screenshot(page, "webhook-attempts");
    await page.getByRole("button", { name: "Send a test event" }).click();
    await page.getByText("test event sent").waitFor();
    await page.getByRole("button", { name: "Preview the mapping" }).click();
    expect(await page.getByLabel("mapping preview").textContent()).toContain("eventTypeSubscribed");

    // A third party's NATS credential, made by an org-admin: the health screen lists it too.
    const credential = await api(stack.url, ADMIN_KEY).post("/v1/orgs/hrh/nats-credentials", {
      name: "scheduling system",
      access: ["publish"],
    });
    expect(credential.status).toBe(201);
    await page.goto(`${stack.url}/console/#/health`);
    const health = page.locator(`tr[data-webhook="${webhookId}"]`);
    await health.waitFor();
    expect(await health.textContent()).toContain("100 %");
    // The booking the rule ran on: its inbound event's success (written just after the engine acked it).
    const inbound = page.locator('tr[data-inbound="scheduling.slotBooked"]', { hasText: "100 %" });
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh" }), inbound);
    expect(await inbound.locator("td").nth(1).textContent()).not.toBe("—");
    const row = page.locator(`tr[data-credential="${credential.body.id as string}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("scheduling system");
    await screenshot(page, "health");
  });

  it("retries a dead letter and sees it leave the list", async () => {
    const publisher = await natsPublisher(stack.nats);
    try {
      await publisher.publish(
        "switchboard.inbound.hrh.scheduling.slotCancelled",
        { bookingId: "bk-1" },
        "cancel-1",
      );
    } finally {
      await publisher.close();
    }
    await page.goto(`${stack.url}/console/#/dead-letters`);
    const letter = page.locator("tr[data-letter]", { hasText: "slotCancelled" });
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh" }), letter);
    const id = await letter.first().getAttribute("data-letter");
    expect(await letter.first().textContent()).toContain("undeclared");
    await screenshot(page, "dead-letters");
    await page.getByRole("button", { name: `Retry ${id}` }).click();
    await page.getByText("retried 1").waitFor();
    await page.locator(`tr[data-letter="${id}"]`).waitFor({ state: "detached" });
  });

  it("has no serious or critical accessibility violation on any screen", async () => {
    const screens = [
      "inbound",
      "rules",
      "rules/slot-reminder",
      "runs",
      "webhooks",
      `webhooks/${webhookId}`,
      "dead-letters",
      "live",
      "credentials",
      "health",
    ];
    const found: Record<string, unknown> = {};
    for (const screen of screens) {
      await page.goto(`${stack.url}/console/#/${screen}`);
      await page.locator("main h1").waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[screen] = violations;
      await screenshot(page, `screen-${screen.replace(webhookId, "detail").replaceAll("/", "-")}`);
    }
    const signInPage = await cmContext.newPage();
    await signInPage.goto(`${stack.url}/console/`);
    await signInPage.getByLabel("API key").waitFor();
    const atSignIn = await seriousViolations(signInPage);
    if (atSignIn.length > 0) found["sign-in"] = atSignIn;
    await screenshot(signInPage, "sign-in");
    await signInPage.close();
    expect(found).toEqual({});
  });

  it("ran with no Content-Security-Policy refusal and no script error", () => {
    expect(
      pageErrors.filter((e) => /Content Security Policy|Refused to|EvalError|Uncaught/i.test(e)),
    ).toEqual([]);
  });
});

describe("the console, with a viewer key", () => {
  it("shows no edit controls, and the API refuses the viewer's writes anyway", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await context.newPage();
    await signIn(viewer, keys.viewer);
    expect(await viewer.locator("#who-roles").textContent()).toContain("viewer");

    await viewer.goto(`${stack.url}/console/#/rules/slot-reminder`);
    await viewer.locator("#rule-editor").waitFor();
    expect(await viewer.locator("#rule-editor").getAttribute("contenteditable")).toBe("false");
    expect(await viewer.getByRole("button", { name: "Save new version" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /Disable|Enable/ }).count()).toBe(0);
    await viewer.getByText("Your key can read this page but not change it.").waitFor();
    await screenshot(viewer, "viewer-rule");

    await viewer.goto(`${stack.url}/console/#/inbound`);
    await viewer.getByRole("cell", { name: "scheduling.slotBooked", exact: true }).waitFor();
    expect(await viewer.getByRole("button", { name: "Declare an inbound event" }).count()).toBe(0);
    await viewer.goto(`${stack.url}/console/#/webhooks`);
    await viewer.getByRole("heading", { name: "Webhooks" }).waitFor();
    expect(await viewer.getByRole("button", { name: "Subscribe" }).count()).toBe(0);
    await viewer.goto(`${stack.url}/console/#/dead-letters`);
    await viewer.getByText("Your key can read the desk but not act on it.").waitFor();
    expect(await viewer.getByRole("button", { name: /Retry/ }).count()).toBe(0);
    await context.close();

    const asViewer = api(stack.url, keys.viewer);
    const refused = [
      await asViewer.put("/v1/orgs/hrh/rules/slot-reminder", JSON.parse(ruleText("slot.start"))),
      await asViewer.post("/v1/orgs/hrh/rules/slot-reminder/activate", { version: 1 }),
      await asViewer.put("/v1/orgs/hrh/inbound-events/scheduling.slotBooked", {
        description: "x",
        schema: SLOT_SCHEMA,
      }),
      await asViewer.post("/v1/orgs/hrh/webhooks", { url: sink.url("/x"), eventTypes: ["*"] }),
      await asViewer.post("/v1/orgs/hrh/dead-letters/retry", { status: "open" }),
    ];
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(refused.map(() => [403, "SB_ERR_FORBIDDEN"]));
  });
});

describe("the console, a content manager's further work", () => {
  it("activates a later version, rolls back to the earlier one, disables and enables the rule", async () => {
    const asCm = api(stack.url, keys.cm);
    const rule = async () => (await asCm.get("/v1/orgs/hrh/rules/slot-reminder")).body;
    await page.goto(`${stack.url}/console/#/rules/slot-reminder`);
    await page.getByText("Active version: 1").waitFor();
    await page.getByRole("button", { name: "Activate version 2" }).click();
    await page.getByText("Active version: 2").waitFor();
    await page.getByRole("button", { name: "Roll back to version 1" }).click();
    await page.getByText("version 1 is active").waitFor();
    await page.getByText("Active version: 1").waitFor();
    expect(await rule()).toMatchObject({ activeVersion: 1, latestVersion: 2, enabled: true });

    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await page.getByRole("button", { name: "Enable", exact: true }).waitFor();
    expect(await page.locator("#rule-status").textContent()).toContain("disabled");
    expect((await rule()).enabled).toBe(false);
    await screenshot(page, "rule-disabled");
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await page.getByRole("button", { name: "Disable", exact: true }).waitFor();
    expect(await rule()).toMatchObject({ activeVersion: 1, enabled: true });
  });

  it("filters rule runs by outcome and time through the API", async () => {
    await page.goto(`${stack.url}/console/#/runs`);
    const run = page.locator('tr[data-rule="slot-reminder"]');
    await run.waitFor();
    const asked = page.waitForRequest((r) => r.url().includes("status=failed"));
    await page.getByLabel("Outcome").selectOption("failed");
    expect((await asked).url()).toContain("/v1/orgs/hrh/rule-runs?");
    await page.getByText("No run matches.").waitFor();
    expect(await run.count()).toBe(0);
    await page.getByLabel("Outcome").selectOption("succeeded");
    await run.waitFor();
    // From a minute ahead: the API answers no run, and the page shows none.
    const local = await page.evaluate(() => {
      const ahead = new Date(Date.now() + 60_000);
      return new Date(ahead.getTime() - ahead.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    });
    const since = page.waitForResponse((r) => r.url().includes("from="));
    await page.getByLabel("Since").fill(local);
    const answer = (await (await since).json()) as { runs: unknown[] };
    expect(answer.runs).toEqual([]);
    await page.getByText("No run matches.").waitFor();
    await page.getByLabel("Since").fill("");
    await run.waitFor();
  });

  it("changes a webhook's filter and mapping, replays a delivery with them, rotates its secret and disables it", async () => {
    const asCm = api(stack.url, keys.cm);
    await page.goto(`${stack.url}/console/#/webhooks/${webhookId}`);
    const filter = { "==": [{ var: "orgId" }, "hrh"] };
    const mapping = { start: { var: "info.start" }, kind: "reminder" };
    await page.getByLabel("Filter (JSON Logic, optional)").fill(JSON.stringify(filter));
    await page.getByLabel("Mapping (target field → JSON Logic, optional)").fill(JSON.stringify(mapping));
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("saved", { exact: true }).waitFor();
    const saved = (await asCm.get(`/v1/orgs/hrh/webhooks/${webhookId}`)).body;
    expect(saved).toMatchObject({ filter, mapping });

    // The reminder delivered earlier, again, through the new mapping.
    const attempts = (await asCm.get(`/v1/orgs/hrh/webhooks/${webhookId}/deliveries`)).body.attempts;
    const delivered = attempts.find((a: { eventType: string }) => a.eventType === "slotReminderSent");
    await page.getByLabel("Message id to replay").fill(delivered.messageId);
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await page.getByText(`replaying ${delivered.messageId}: 1 message(s) queued for delivery`).waitFor();
    const [mapped] = await requestsTo(sink, "/reminders", { where: (r) => r.body.includes('"kind"') });
    expect(JSON.parse(mapped!.body)).toEqual({ start: "2026-12-03T09:30:00Z", kind: "reminder" });
    const replayRow = page.locator("tr.attempt", { hasText: "replay" });
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh attempts" }), replayRow);

    // A new secret, shown once; the next request verifies with it.
    await page.getByRole("button", { name: "Rotate the secret" }).click();
    const shown = await page.getByText(/new signing secret, shown this once: /).textContent();
    const secret = /shown this once: (\S+)/.exec(shown ?? "")![1]!;
    const before = sink.to("/reminders").length;
    await page.getByRole("button", { name: "Send a test event" }).click();
    await page.getByText("test event sent").waitFor();
    const [tested] = (await requestsTo(sink, "/reminders", { count: before + 1 })).slice(-1);
    expect(() => verifiedBody(secret, tested!)).not.toThrow();

    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await page.getByRole("button", { name: "Enable", exact: true }).waitFor();
    expect(await page.getByText(`${sink.url("/reminders")} · slotReminderSent · disabled`).count()).toBe(1);
    expect((await asCm.get(`/v1/orgs/hrh/webhooks/${webhookId}`)).body.enabled).toBe(false);
    await screenshot(page, "webhook-changed");
  });

  it("resolves a dead letter with a comment and retries two at once", async () => {
    const publisher = await natsPublisher(stack.nats);
    try {
      for (const n of [1, 2, 3])
        await publisher.publish(
          "switchboard.inbound.hrh.scheduling.slotMoved",
          { bookingId: `bk-${n}` },
          `moved-${n}`,
        );
    } finally {
      await publisher.close();
    }
    await page.goto(`${stack.url}/console/#/dead-letters`);
    const moved = page.locator("tr[data-letter]", { hasText: "slotMoved" });
    await refreshUntilVisible(page.getByRole("button", { name: "Refresh" }), moved.nth(2));
    const [resolved, ...retried] = await moved.evaluateAll((rows) => rows.map((r) => r.dataset["letter"]!));
    const asCm = api(stack.url, keys.cm);

    await page.getByLabel(`select dead letter ${resolved}`).check();
    await page.getByLabel("Comment for resolving").fill("moved by phone, nothing to do");
    await page.getByRole("button", { name: "Resolve selected" }).click();
    await page.getByText("resolved 1").waitFor();
    await page.locator(`tr[data-letter="${resolved}"]`).waitFor({ state: "detached" });
    const letter = (await asCm.get(`/v1/orgs/hrh/dead-letters/${resolved}`)).body;
    expect(letter.status).toBe("resolved");
    expect(JSON.stringify(letter)).toContain("moved by phone, nothing to do");

    for (const id of retried) await page.getByLabel(`select dead letter ${id}`).check();
    await page.getByRole("button", { name: "Retry selected" }).click();
    await page.getByText("retried 2").waitFor();
    for (const id of retried) {
      await page.locator(`tr[data-letter="${id}"]`).waitFor({ state: "detached" });
      expect((await asCm.get(`/v1/orgs/hrh/dead-letters/${id}`)).body.status).toBe("retried");
    }
  });

  it("checks a payload schema in full as it is typed, each problem at its line, as the server would", async () => {
    const draft = (fixed: boolean) => `{
  "type": "object",
  "properties": {
    "visitId": { "type": "string" },
    "closedAt": { "type": "string", "format": "${fixed ? "date-time" : "date-tme"}" },
    "note": { ${fixed ? '"type": "string", ' : ""}"maxLength": 200 }
  },
  "${fixed ? "required" : "requred"}": ["visitId"]
}`;
    await page.goto(`${stack.url}/console/#/inbound`);
    await page.getByRole("button", { name: "Declare an inbound event" }).click();
    await page.getByLabel("Name").fill("clinic.visitClosed");
    await typeInEditor(page, "definition-schema", draft(false));
    const problems = page.locator('ul[aria-label="Schema problems"] li');
    await problems.filter({ hasText: 'unknown keyword "requred" (did you mean "required"?)' }).waitFor();
    const lines = await problems.evaluateAll((items) =>
      items.map((li) => [li.dataset["line"], li.textContent]),
    );
    expect(Object.fromEntries(lines)).toEqual({
      "5": 'Line 5: error: unknown format "date-tme" (did you mean "date-time"?)',
      "6": 'Line 6: error: "maxLength" is for string values: say "type": "string" in this schema (or one around it)',
      "8": 'Line 8: error: unknown keyword "requred" (did you mean "required"?)',
    });
    await page.locator(".cm-line").nth(7).locator(".cm-lintRange-error").waitFor();
    expect(await page.getByRole("button", { name: "Save inbound event" }).isDisabled()).toBe(true);
    await screenshot(page, "inbound-schema-problems");
    // The server refuses the same schema, at the same places.
    const refused = await api(stack.url, keys.cm).put("/v1/orgs/hrh/inbound-events/clinic.visitClosed", {
      description: "",
      schema: JSON.parse(draft(false)),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "/schema/requred",
      "/schema/properties/closedAt/format",
      "/schema/properties/note/maxLength",
    ]);

    await typeInEditor(page, "definition-schema", draft(true));
    await expect.poll(() => problems.count()).toBe(0);
    await page.getByRole("button", { name: "Save inbound event" }).click();
    await page.getByText("saved inbound event clinic.visitClosed").waitFor();
    const saved = await api(stack.url, keys.cm).get("/v1/orgs/hrh/inbound-events/clinic.visitClosed");
    expect(saved.body.schema).toEqual(JSON.parse(draft(true)));
  });

  it("ran these with no Content-Security-Policy refusal and no script error", () => {
    expect(pageProblems(pageErrors)).toEqual([]);
  });
});

describe("the console, with an org-admin key", () => {
  it("creates NATS credentials, downloading the .creds file once, and revokes them: NATS refuses them", async () => {
    const admin = await createKey(api(stack.url, ADMIN_KEY), ["org-admin"]);
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    const p = await context.newPage();
    const errors = collectPageErrors(p);
    await signIn(p, admin);
    await p.goto(`${stack.url}/console/#/credentials`);
    await p.getByLabel("Name").fill("scheduling system");
    await p.getByLabel("publish").check();
    const downloading = p.waitForEvent("download");
    await p.getByRole("button", { name: "Create and download" }).click();
    const download = await downloading;
    const creds = readFileSync(await download.path(), "utf8");
    const id = download.suggestedFilename().replace(/\.creds$/, "");
    expect(creds).toMatch(/-----BEGIN NATS USER JWT-----\s+eyJ[\w-]+\.[\w-]+\.[\w-]+\s/);
    const seed = /-----BEGIN USER NKEY SEED-----\s+(SU[A-Z2-7]+)\s/.exec(creds)?.[1];
    expect(seed).toBeDefined();
    await p.getByText(`created ${id}; its .creds file was downloaded and is not shown again`).waitFor();
    const row = p.locator(`tr[data-credential="${id}"]`);
    expect(await row.textContent()).toContain("publish");
    expect(await p.content()).not.toContain(seed);
    const listed = (await api(stack.url, admin).get("/v1/orgs/hrh/nats-credentials")).body;
    expect(listed.natsCredentials.map((c: { id: string }) => c.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(seed);
    await (await connectWith(creds)).close();
    await screenshot(p, "credentials-created");

    await p.getByRole("button", { name: `Revoke ${id}` }).click();
    const dialog = p.getByRole("dialog", { name: `Revoke ${id}?` });
    await dialog.waitFor();
    expect(await seriousViolations(p)).toEqual([]);
    await screenshot(p, "credentials-revoke-dialog");
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await p.getByText(`revoked ${id}`, { exact: true }).waitFor();
    await row.getByText(/^revoked /).waitFor();
    expect(await p.getByRole("button", { name: `Revoke ${id}` }).count()).toBe(0);
    const shown = (await api(stack.url, admin).get(`/v1/orgs/hrh/nats-credentials/${id}`)).body;
    expect(shown.revokedAt).not.toBeNull();
    await expect(connectWith(creds)).rejects.toThrow(/Authorization Violation/);
    await screenshot(p, "credentials-revoked");
    expect(pageProblems(errors)).toEqual([]);
    await context.close();
  });
});

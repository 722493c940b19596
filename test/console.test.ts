import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { CONSOLE_CSP } from "@switchboard/console";
import { api, type Api } from "./support/api.js";
import { collectPageErrors, launchChromium, screenshot, seriousViolations } from "./support/browser.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { WebhookSink } from "./support/scenario-webhook-sink.js";
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

import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { EXAMPLES_DIR, exampleCounts, fixtureDir, runBin, runCommand } from "../test-fixtures.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const ADMIN_KEY = "sbk_cli_test_admin_key_0123456789abcdef";
const ORG = "clinic";
const RULE = "slot-booked-assigns-reminder";

/** The all-in-one server as `npm start` runs it, on a nats-server and a PostgreSQL database of this suite. */
async function startSwitchboard(
  nats: NatsServer,
  database: TestDatabase,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=switchboard-source", "--import", "tsx", join(ROOT, "services/switchboard/src/main.ts")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NATS_URL: nats.url,
        DATABASE_URL: database.url,
        PORT: "0",
        HOST: "127.0.0.1",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        // Its own data dir: the runner keeps a secrets keyring there, never in the working tree.
        SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), "switchboard-cli-")),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
      return /HTTP\s+(http:\/\/\S+)/.exec(output)?.[1];
    },
    { timeoutMs: 90_000, what: "the server's HTTP address" },
  );
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

describe("rules apply and dry-run against a running Switchboard", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let server: { url: string; stop(): Promise<void> };
  let env: Record<string, string>;
  const work = fixtureDir();

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase();
    server = await startSwitchboard(nats, database);
    expect((await call(server.url, ADMIN_KEY, "POST", "/v1/orgs", { id: ORG, name: "Clinic" })).status).toBe(
      201,
    );
    const created = await call(server.url, ADMIN_KEY, "POST", `/v1/orgs/${ORG}/api-keys`, {
      name: "content",
      roles: ["content-manager"],
    });
    expect(created.status).toBe(201);
    env = { SWITCHBOARD_URL: server.url, SWITCHBOARD_KEY: created.body.key, SWITCHBOARD_ORG: ORG };
    const template = { name: "maternity-care", roles: ["Patient"], forms: ["AppointmentReminder"] };
    expect(
      (await call(server.url, created.body.key, "POST", `/v1/orgs/${ORG}/plan-templates`, template)).status,
    ).toBe(201);
    cpSync(EXAMPLES_DIR, join(work.dir, "rules"), { recursive: true });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    await nats?.close();
    work.remove();
  });

  const versionsOf = async () =>
    (await call(server.url, env["SWITCHBOARD_KEY"]!, "GET", `/v1/orgs/${ORG}/rules/${RULE}/versions`)).body;

  it("applies the examples, activating the rule, and re-applying them changes nothing", async () => {
    const first = await runBin(["rules", "apply", "rules", "--activate"], { cwd: work.dir, env });
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("inbound scheduling.slotBooked: created (version 1)");
    expect(first.stdout).toContain(`rule ${RULE}: version 1 (active 1)`);
    const examples = exampleCounts();
    expect(first.stdout).toContain(`applied ${examples.definitions} and ${examples.rules} to org ${ORG}`);
    expect(first.code).toBe(0);
    expect(JSON.stringify(await versionsOf())).toContain('"version":1');

    const again = await runCommand(["rules", "apply", "rules", "--activate"], { cwd: work.dir, env });
    expect(again.stdout).toContain("inbound scheduling.slotBooked: unchanged (version 1)");
    expect(again.stdout).toContain(`rule ${RULE}: unchanged, version 1 (active 1)`);
    expect(again.code).toBe(0);
  });

  it("saves a changed rule as a new version that runs only once activated", async () => {
    const path = join(work.dir, "rules", `${RULE}.rule.json`);
    const rule = JSON.parse(readFileSync(path, "utf8"));
    work.write(
      `rules/${RULE}.rule.json`,
      JSON.stringify({ ...rule, description: "Reminder form for every booked slot" }, null, 2),
    );
    const applied = await runCommand(["rules", "apply", "rules", "--org", ORG, "--url", server.url], {
      cwd: work.dir,
      env: { SWITCHBOARD_KEY: env["SWITCHBOARD_KEY"]! },
    });
    expect(applied.stdout).toContain(`rule ${RULE}: version 2 (active 1)`);
    expect(applied.code).toBe(0);
    const versions = JSON.stringify(await versionsOf());
    expect(versions).toContain('"version":2');
  });

  it("dry-runs the draft rule on a sample payload and prints the resolved assignForm", async () => {
    const payload = {
      bookingId: "b-1",
      status: "booked",
      patientId: "patient-7",
      slot: { start: "2026-11-24T09:30:00Z", end: "2026-11-24T10:00:00Z" },
    };
    work.write("slot.json", JSON.stringify(payload, null, 2));
    const result = await runCommand(
      ["rules", "dry-run", `rules/${RULE}.rule.json`, "--payload", "slot.json"],
      {
        cwd: work.dir,
        env,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("slot.json: valid, matched: 1 action");
    const actions = JSON.parse(result.stdout.slice(result.stdout.indexOf("[")));
    expect(actions).toEqual([
      expect.objectContaining({
        type: "assignForm",
        params: expect.objectContaining({
          formName: "AppointmentReminder",
          userId: "patient-7",
          prefill: { appointmentTime: "2026-11-24T09:30:00Z" },
        }),
      }),
    ]);
  });

  it("dry-run says when the payload does not match or breaks the declared schema", async () => {
    work.write(
      "cancelled.json",
      '{ "bookingId": "b-2", "status": "cancelled", "patientId": "p", "slot": { "start": "2026-11-24T09:30:00Z", "end": "2026-11-24T10:00:00Z" } }',
    );
    const unmatched = await runCommand(
      ["rules", "dry-run", `rules/${RULE}.rule.json`, "--payload", "cancelled.json"],
      { cwd: work.dir, env },
    );
    expect(unmatched.stdout).toContain("cancelled.json: valid, not matched");
    expect(unmatched.code).toBe(0);

    work.write(
      "broken.json",
      '{\n  "bookingId": "b-3",\n  "status": "booked",\n  "patientId": "p",\n  "slot": { "start": "soon", "end": "2026-11-24T10:00:00Z" }\n}',
    );
    const invalid = await runCommand(
      ["rules", "dry-run", `rules/${RULE}.rule.json`, "--payload", "broken.json"],
      { cwd: work.dir, env },
    );
    expect(invalid.stdout).toContain("broken.json: invalid");
    expect(invalid.stdout).toMatch(/broken\.json:5:\d+: \/slot\/start: .*date-time/);
    expect(invalid.code).toBe(0);
  });

  it("shows the server's refusal of a draft at the line of the rule file", async () => {
    // Valid against no definition offline, so only the server can say the path is not declared.
    work.write(
      "drafts/typo.rule.json",
      [
        "{",
        '  "id": "typo",',
        '  "on": { "inbound": "scheduling.slotBooked" },',
        '  "when": { "==": [{ "var": "stauts" }, "booked"] },',
        '  "actions": [{ "emit": { "eventType": "reminderDue", "data": { "var": "patientId" } } }]',
        "}",
      ].join("\n"),
    );
    work.write(
      "slot.json",
      '{ "bookingId": "b-1", "status": "booked", "patientId": "p", "slot": { "start": "2026-11-24T09:30:00Z", "end": "2026-11-24T10:00:00Z" } }',
    );
    const result = await runCommand(["rules", "dry-run", "drafts/typo.rule.json", "--payload", "slot.json"], {
      cwd: work.dir,
      env,
    });
    expect(result.stdout).toMatch(
      /drafts\/typo\.rule\.json:4:\d+: .*stauts.*did you mean "status".*\[unknown-path\]/,
    );
    expect(result.code).toBe(1);
  });

  it("reports a definition change the server refuses because it would break the active rule", async () => {
    const narrowed = {
      name: "scheduling.slotBooked",
      description: "Only a status",
      schema: { type: "object", properties: { status: { type: "string" } }, additionalProperties: false },
    };
    work.write("narrow/slot.inbound.json", JSON.stringify(narrowed, null, 2));
    const result = await runCommand(["rules", "apply", "narrow"], { cwd: work.dir, env });
    expect(result.stdout).toMatch(
      /^narrow\/slot\.inbound\.json: the server refused it: .*would break active rule.*slot-booked-assigns-reminder.*\(HTTP 409\) \[SB_ERR_CONFLICT\]$/m,
    );
    expect(result.stdout).toContain("no rule was applied: the server refused 1 definition");
    expect(result.code).toBe(1);
  });

  it("prints the server's warnings for a saved rule and a dry run; --strict applies nothing on a warning", async () => {
    // The example definition lists the practitioner's fields without closing the object.
    const typo = [
      "{",
      '  "id": "practitioner-typo",',
      '  "on": { "inbound": "scheduling.slotBooked" },',
      '  "when": { "!!": { "var": "practitioner.nmae" } },',
      '  "actions": [{ "emit": { "eventType": "practitionerSeen", "info": { "id": { "var": "bookingId" } } } }]',
      "}",
    ].join("\n");
    cpSync(
      join(EXAMPLES_DIR, "scheduling.slotBooked.inbound.json"),
      join(work.dir, "warned/slot.inbound.json"),
    );
    work.write("warned/typo.rule.json", typo);
    const warning =
      /^warned\/typo\.rule\.json:4:\d+: warning: var "practitioner\.nmae" is not declared in the schema of inbound event "scheduling\.slotBooked" \(did you mean "practitioner\.name"\?\) \[undeclared-path\]$/m;

    const strict = await runCommand(["rules", "apply", "warned", "--strict"], { cwd: work.dir, env });
    expect(strict.stdout).toMatch(warning);
    expect(strict.stdout).toContain("--strict counts warnings as problems");
    expect(strict.stdout).toContain("nothing was applied");
    expect(strict.code).toBe(1);
    const head = await call(
      server.url,
      env["SWITCHBOARD_KEY"]!,
      "GET",
      `/v1/orgs/${ORG}/rules/practitioner-typo`,
    );
    expect(head.status).toBe(404);

    const applied = await runCommand(["rules", "apply", "warned"], { cwd: work.dir, env });
    expect(applied.stdout).toContain(
      "rule practitioner-typo: version 1 (none active: apply with --activate)",
    );
    expect(applied.stdout).toMatch(warning);
    expect(applied.stdout).toContain(
      `applied 1 inbound event definition and 1 rule to org ${ORG}, 1 warning`,
    );
    expect(applied.code).toBe(0);

    work.write(
      "practitioner.json",
      '{ "bookingId": "b-9", "status": "booked", "patientId": "p", "slot": { "start": "2026-11-24T09:30:00Z", "end": "2026-11-24T10:00:00Z" }, "practitioner": { "nmae": "Dr Typo" } }',
    );
    const dry = await runCommand(
      ["rules", "dry-run", "warned/typo.rule.json", "--payload", "practitioner.json"],
      { cwd: work.dir, env },
    );
    expect(dry.stdout).toMatch(warning);
    expect(dry.stdout).toContain("practitioner.json: valid, matched: 1 action");
    expect(dry.code).toBe(0);
  });

  it("reports a key the server refuses", async () => {
    const refused = await runCommand(["rules", "apply", "rules"], {
      cwd: work.dir,
      env: { ...env, SWITCHBOARD_KEY: "sbk_not_a_key_at_all_0000000000" },
    });
    expect(refused.stdout).toMatch(
      /scheduling\.slotBooked\.inbound\.json: the server refused it: .*\(HTTP 401\) \[SB_ERR_UNAUTHENTICATED\]/,
    );
    expect(refused.code).toBe(1);
  });
});

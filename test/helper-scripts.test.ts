import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePorts } from "@switchboard/testing";
import { runNpmScript } from "./support/process.js";

/** `npm run publish` and `npm run subscribe` refuse bad input with a line naming it, no stack, exit 2. */
describe("the NATS helper scripts' errors", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-scripts-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (script: string, args: string[], env: Record<string, string> = {}) => {
    const npm = runNpmScript(
      script,
      // A data dir in the one removed after, rather than one the helper would make and leave.
      { NATS_URL: "nats://127.0.0.1:4222", NATS_CREDS: "", SWITCHBOARD_DATA_DIR: dir, ...env },
      args,
    );
    try {
      const code = await new Promise<number | null>((resolve) => npm.child.once("exit", resolve));
      return { code, output: npm.output() };
    } finally {
      npm.killGroup();
    }
  };

  const expectRefused = (result: { code: number | null; output: string }, message: string) => {
    expect(result.output).toContain(message);
    expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(2);
  };

  it("names a payload file that cannot be read, or is not JSON, before connecting", async () => {
    const missing = path.join(dir, "missing.json");
    expectRefused(
      await run("publish", ["switchboard.inbound.hrh.x.y", missing]),
      `cannot read the payload file ${missing}: ENOENT`,
    );
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, "{not json");
    expectRefused(await run("publish", ["switchboard.inbound.hrh.x.y", broken]), `${broken} is not JSON`);
  }, 60_000);

  it("names a credentials file that cannot be read, and --creds without one", async () => {
    const missing = path.join(dir, "missing.creds");
    expectRefused(
      await run("subscribe", ["switchboard.events.hrh.>", "--creds", missing]),
      `cannot read the NATS credentials file ${missing}: ENOENT`,
    );
    expectRefused(
      await run("subscribe", ["switchboard.events.hrh.>", "--creds"]),
      "--creds needs the credentials file after it",
    );
  }, 60_000);

  it("names the NATS server it cannot reach", async () => {
    // A port the system just gave out and took back: nothing listens on it.
    const [port] = await freePorts(1);
    const url = `nats://127.0.0.1:${port}`;
    expectRefused(
      await run("subscribe", ["switchboard.events.hrh.>"], { NATS_URL: url }),
      `cannot connect to NATS at ${url}`,
    );
  }, 60_000);
});

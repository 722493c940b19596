import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { api } from "./support/api.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";

/** `npm start` on embedded defaults: a spawned nats-server and PGlite in the data dir. */
describe("all-in-one on embedded defaults", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-start-"));
  let running: ServiceProcess | undefined;

  afterAll(async () => {
    await running?.stop("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    runEntryPoint("services/switchboard/src/main.ts", {
      SWITCHBOARD_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      NATS_URL: "",
      DATABASE_URL: "",
    });

  it("prints the URL and a one-time admin key, serves the API, publishes events, and keeps its data across a restart", async () => {
    running = start();
    const [, url] = await running.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000);
    const [, natsUrl] = await running.waitForOutput(/NATS\s+(nats:\/\/\S+)/);
    const [, adminKey] =
      /platform-admin API key was generated[^\n]*\n\n\s+(sbk_\S+)/.exec(running.output()) ?? [];
    expect(adminKey).toBeDefined();
    expect(running.output()).toContain("store  pglite");

    const ready = await api(url!).get("/readyz");
    expect(ready.status).toBe(200);

    const nc = await connect({ servers: natsUrl! });
    const received: any[] = [];
    nc.subscribe("switchboard.events.clinic.>", { callback: (_e, m) => void received.push(m.json()) });
    await nc.flush();
    const admin = api(url!, adminKey);
    expect((await admin.post("/v1/orgs", { id: "clinic", name: "Clinic" })).status).toBe(201);
    expect((await admin.post("/v1/orgs/clinic/plan-templates", { name: "care", roles: [] })).status).toBe(
      201,
    );
    expect((await admin.post("/v1/orgs/clinic/plans", { templateName: "care", userId: "p-1" })).status).toBe(
      201,
    );
    const deadline = Date.now() + 15_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await nc.close();
    expect(received[0]).toMatchObject({
      messageType: "switchboard.clinic.planCreated",
      info: { userId: "p-1" },
    });

    expect(await running.stop("SIGTERM")).toBe(0);

    running = start();
    const [, url2] = await running.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000);
    expect(running.output()).not.toContain("platform-admin API key was generated");
    const orgs = await api(url2!, adminKey).get("/v1/orgs");
    expect(orgs.status).toBe(200);
    expect(orgs.body.orgs.map((o: { id: string }) => o.id)).toEqual(["clinic"]);
    expect(await running.stop("SIGTERM")).toBe(0);
    running = undefined;
  }, 240_000);

  it("refuses bad configuration with a message naming the variable", async () => {
    const bad = runEntryPoint("services/switchboard/src/main.ts", {
      SWITCHBOARD_DATA_DIR: dataDir,
      PORT: "eighty",
    });
    expect(await new Promise((resolve) => bad.child.once("exit", resolve))).toBe(2);
    expect(bad.output()).toContain("PORT: must be a whole number");
  });
});

import type { NatsConnection } from "@nats-io/nats-core";
import { ConflictError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sendCommand } from "./command-client.js";
import { serveCommands, type CommandServer } from "./command-server.js";
import type { CommandRequest } from "./command-types.js";
import { connectBus } from "./connection.js";

const logger = createLogger({ level: "silent" });
const request: CommandRequest = {
  orgId: "acme",
  idempotencyKey: "k1",
  traceId: "t1",
  params: { formName: "Reminder" },
};

describe("commands", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const servers: CommandServer[] = [];
  beforeAll(async () => {
    server = await startNatsServer({ jetstream: false });
    nc = await connectBus({ servers: server.url, name: "commands-test", logger });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  function serve(service: string, handlers: Parameters<typeof serveCommands>[1]["handlers"]) {
    const s = serveCommands(nc, { namespace: "sb", service, handlers, logger });
    servers.push(s);
    return s;
  }
  const send = <T>(service: string, command: string, req: CommandRequest = request, timeoutMs?: number) =>
    sendCommand<T>(nc, {
      namespace: "sb",
      service,
      command,
      request: req,
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  it("round-trips a request and its result", async () => {
    const received: CommandRequest[] = [];
    serve("forms", {
      assignForm: async (req) => {
        received.push(req);
        return { formAssignmentId: "fa-1" };
      },
    });
    await nc.flush();
    expect(await send("forms", "assignForm")).toEqual({ ok: true, value: { formAssignmentId: "fa-1" } });
    expect(received).toEqual([request]);
  });

  it("keeps the code, message and details of a Switchboard error", async () => {
    serve("plans", {
      createPlan: async () => {
        throw new ConflictError("plan already exists", { details: { planId: "p1" } });
      },
    });
    await nc.flush();
    expect(await send("plans", "createPlan")).toEqual({
      ok: false,
      error: { code: "SB_ERR_CONFLICT", message: "plan already exists", details: { planId: "p1" } },
    });
  });

  it("hides other errors behind SB_ERR_INTERNAL", async () => {
    serve("plans", {
      createPlan: async () => {
        throw new Error("password=hunter2 in a stack trace");
      },
    });
    await nc.flush();
    expect(await send("plans", "createPlan")).toEqual({
      ok: false,
      error: { code: "SB_ERR_INTERNAL", message: "internal error" },
    });
  });

  it("answers an unknown command with SB_ERR_NOT_FOUND, inherited names included", async () => {
    serve("forms", { assignForm: async () => "ok" });
    await nc.flush();
    for (const command of ["submitForm", "constructor", "toString"]) {
      const result = await send("forms", command);
      expect(result.ok ? undefined : result.error.code).toBe("SB_ERR_NOT_FOUND");
    }
  });

  it("answers a malformed request with SB_ERR_VALIDATION", async () => {
    serve("forms", { assignForm: async () => "ok" });
    await nc.flush();
    const reply = async (body: string) =>
      (
        await nc.request("sb.cmd.forms.assignForm", new TextEncoder().encode(body), { timeout: 5_000 })
      ).json();
    expect(await reply("{not json")).toMatchObject({ ok: false, error: { code: "SB_ERR_VALIDATION" } });
    expect(await reply(JSON.stringify({ params: {} }))).toMatchObject({
      ok: false,
      error: { code: "SB_ERR_VALIDATION" },
    });
    expect(await reply(JSON.stringify({ orgId: "a.b", params: {} }))).toMatchObject({
      ok: false,
      error: { code: "SB_ERR_VALIDATION" },
    });
  });

  it("reports no responders as SB_ERR_UNAVAILABLE", async () => {
    const result = await send("nobody", "anything");
    expect(result).toMatchObject({ ok: false, error: { code: "SB_ERR_UNAVAILABLE" } });
  });

  it("reports a slow service as SB_ERR_TIMEOUT", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    serve("slow", {
      wait: async () => {
        await gate;
        return "late";
      },
    });
    await nc.flush();
    const result = await send("slow", "wait", request, 500);
    release();
    expect(result).toMatchObject({ ok: false, error: { code: "SB_ERR_TIMEOUT" } });
  });

  it("shares requests across replicas of a service: each is answered once", async () => {
    const calls = { a: 0, b: 0 };
    serve("queue", { work: async () => ++calls.a });
    serve("queue", { work: async () => ++calls.b });
    await nc.flush();
    const results = await Promise.all(Array.from({ length: 20 }, () => send("queue", "work")));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.a + calls.b).toBe(20);
  });

  it("stop() waits for requests being answered, then no longer answers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const s = serve("stopping", {
      work: async () => {
        started = true;
        await gate;
        return "done";
      },
    });
    await nc.flush();
    const pending = send<string>("stopping", "work", request, 10_000);
    while (!started) await new Promise((r) => setTimeout(r, 20));
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await pending).toEqual({ ok: true, value: "done" });
    expect(await send("stopping", "work")).toMatchObject({
      ok: false,
      error: { code: "SB_ERR_UNAVAILABLE" },
    });
  });

  it("refuses unsafe names", async () => {
    expect(() => serveCommands(nc, { namespace: "sb", service: "a.b", handlers: {}, logger })).toThrow(
      expect.objectContaining({ code: "SB_ERR_INVALID_NAME" }),
    );
    expect(await send("forms", "x.>")).toMatchObject({ ok: false, error: { code: "SB_ERR_VALIDATION" } });
  });
});

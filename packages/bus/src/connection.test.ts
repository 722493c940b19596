import { PassThrough } from "node:stream";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, waitFor } from "@switchboard/testing";
import { describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";

function capturingLogger() {
  const lines: Array<{ msg: string; level: number }> = [];
  const destination = new PassThrough();
  destination.setEncoding("utf8");
  destination.on("data", (chunk: string) => {
    for (const line of chunk.split("\n").filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ level: "info", destination }), lines };
}

describe("connectBus", () => {
  it("fails with SB_ERR_UNAVAILABLE when no server answers", async () => {
    const server = await startNatsServer({ jetstream: false });
    const url = server.url;
    await server.close(); // a port that surely has no server now
    const { logger } = capturingLogger();
    await expect(connectBus({ servers: url, name: "nobody", logger })).rejects.toMatchObject({
      code: "SB_ERR_UNAVAILABLE",
    });
  });

  it("reconnects after the server restarts and logs the disconnect and the reconnect", async () => {
    const server = await startNatsServer({ jetstream: false });
    const { logger, lines } = capturingLogger();
    const nc = await connectBus({ servers: server.url, name: "reconnecting", logger });
    try {
      await server.stop();
      await server.restart();
      const messages = () => lines.map((l) => l.msg);
      await waitFor(() => messages().includes("reconnected to NATS"), {
        timeoutMs: 60_000,
        what: "a reconnect",
      });
      expect(messages()).toContain("disconnected from NATS; reconnecting");
      const reply = nc.subscribe("ping", {
        callback: (_e, m) => {
          m.respond("pong");
        },
      });
      expect((await nc.request("ping", "", { timeout: 5_000 })).string()).toBe("pong");
      reply.unsubscribe();
    } finally {
      await nc.close();
      await server.close();
    }
  });
});

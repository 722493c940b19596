import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, withTrace } from "./logger.js";

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe("logger", () => {
  it("redacts secrets and authorization headers", async () => {
    const { stream, lines } = capture();
    const log = createLogger({ destination: stream });
    log.info(
      { req: { headers: { authorization: "Bearer sk_live" } }, sub: { secret: "whsec_x", url: "u" } },
      "hi",
    );
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines);
    expect(text).not.toContain("sk_live");
    expect(text).not.toContain("whsec_x");
    expect(lines[0]).toMatchObject({ msg: "hi", sub: { secret: "[redacted]", url: "u" } });
  });

  it("carries the trace id on child loggers", async () => {
    const { stream, lines } = capture();
    withTrace(createLogger({ destination: stream, name: "plans" }), "trace-1").info("x");
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ traceId: "trace-1", service: "plans" });
  });
});

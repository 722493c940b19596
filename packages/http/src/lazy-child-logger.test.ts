import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@switchboard/logger";
import { lazyChildLogger } from "./lazy-child-logger.js";

function captured(level: string) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line !== "") lines.push(JSON.parse(line));
  });
  const logger = createLogger({ destination: stream, level });
  let children = 0;
  const child = logger.child;
  logger.child = function (this: typeof logger, ...args: Parameters<typeof child>) {
    children += 1;
    return child.apply(this, args);
  } as typeof logger.child;
  const flushed = () => new Promise((resolve) => setImmediate(resolve));
  return { logger, lines, children: () => children, flushed };
}

describe("lazyChildLogger", () => {
  it("makes no child for a request that writes no line at the configured level", async () => {
    const { logger, lines, children, flushed } = captured("warn");
    const log = lazyChildLogger(logger, { reqId: "r-1" }, {});
    log.info({ url: "/x" }, "incoming request");
    log.debug("details");
    await flushed();
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
  });

  it("writes enabled lines with the request's bindings, made once, redacted as pino redacts", async () => {
    const { logger, lines, children, flushed } = captured("warn");
    const log = lazyChildLogger(logger, { reqId: "r-2" }, {});
    log.warn({ authorization: "Bearer sk_secret" }, "first");
    log.error(new Error("boom"), "second");
    log.info("not at this level");
    await flushed();
    expect(children()).toBe(1);
    expect(lines).toMatchObject([
      { level: 40, reqId: "r-2", authorization: "[redacted]", msg: "first" },
      { level: 50, reqId: "r-2", err: { message: "boom" }, msg: "second" },
    ]);
    expect(log.level).toBe("warn");
  });

  it("passes a level set on it, and children made from it, to the real child", async () => {
    const { logger, lines, flushed } = captured("warn");
    const log = lazyChildLogger(logger, { reqId: "r-3" }, {});
    log.level = "debug";
    log.debug("now shown");
    log.child({ step: "auth" }).warn("nested");
    await flushed();
    expect(lines).toMatchObject([
      { level: 20, reqId: "r-3", msg: "now shown" },
      { level: 40, reqId: "r-3", step: "auth", msg: "nested" },
    ]);
    expect(logger.level).toBe("warn");
  });
});

import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, serveCommands, type CommandRequest, type CommandServer } from "@switchboard/bus";
import { NotFoundError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { commandCaller } from "./command-call.js";
import { LocalCommands } from "./local-commands.js";

const logger = createLogger({ level: "silent" });
const NAMESPACE = "callt";

/** What the handler received, per call, as it received it. */
const received: unknown[] = [];

/** A handler that keeps its request, changes it, and answers values JSON carries in its own way. */
async function describeRequest(req: CommandRequest): Promise<unknown> {
  received.push(req);
  (req.params as { list: unknown[] }).list.push("added by the handler");
  return {
    at: new Date("2026-01-02T03:04:05Z"),
    gone: undefined,
    ratio: NaN,
    items: [undefined, -0, { nested: req.params }],
    text: "é\u2028",
  };
}

async function refuse(): Promise<unknown> {
  throw new NotFoundError("no such plan");
}

const handlers = { describeRequest, refuse };

describe("commandCaller", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let commands: CommandServer;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "command-call-test", logger });
    commands = serveCommands(nc, { namespace: NAMESPACE, service: "toy", handlers, logger });
  });

  afterAll(async () => {
    await commands?.stop();
    await nc?.close();
    await server?.close();
  });

  const local = () => {
    const registered = new LocalCommands();
    registered.register("toy", handlers);
    return commandCaller(nc, NAMESPACE, registered);
  };
  const remote = () => commandCaller(nc, NAMESPACE, new LocalCommands());

  const request = () => ({
    orgId: "org-a",
    requestedBy: "rule:r@1",
    idempotencyKey: undefined,
    params: { when: new Date("2026-05-06T07:08:09Z"), list: [1, undefined], skipped: () => 1, n: Infinity },
  });

  it("answers a command of this process with the same values as over NATS", async () => {
    received.length = 0;
    const overNats = await remote()("toy", "describeRequest", request() as unknown as CommandRequest);
    const inProcess = await local()("toy", "describeRequest", request() as unknown as CommandRequest);
    expect(received).toHaveLength(2);
    expect(received[1]).toStrictEqual(received[0]);
    expect(received[1]).toStrictEqual({
      orgId: "org-a",
      requestedBy: "rule:r@1",
      params: { when: "2026-05-06T07:08:09.000Z", list: [1, null, "added by the handler"], n: null },
    });
    expect(inProcess).toStrictEqual(overNats);
    expect(inProcess).toStrictEqual({
      at: "2026-01-02T03:04:05.000Z",
      ratio: null,
      items: [
        null,
        0,
        { nested: { when: "2026-05-06T07:08:09.000Z", list: [1, null, "added by the handler"], n: null } },
      ],
      text: "é\u2028",
    });
  });

  it("shares no object between the caller and a handler of this process", async () => {
    received.length = 0;
    const sent = request();
    const answer = (await local()("toy", "describeRequest", sent as unknown as CommandRequest)) as {
      items: [null, number, { nested: { list: unknown[] } }];
    };
    // The handler's change to its request reached neither the caller's request nor, later, its answer.
    expect(sent.params.list).toEqual([1, undefined]);
    answer.items[2].nested.list.push("added by the caller");
    expect((received[0] as { params: { list: unknown[] } }).params.list).toEqual([
      1,
      null,
      "added by the handler",
    ]);
  });

  it("throws a handler's failure with its code, in this process as over NATS", async () => {
    const req = request() as unknown as CommandRequest;
    await expect(local()("toy", "refuse", req)).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
    await expect(remote()("toy", "refuse", req)).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
  });
});

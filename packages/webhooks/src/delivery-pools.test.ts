import { once } from "node:events";
import { setImmediate as nextTurn } from "node:timers/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { deliver } from "./deliver.js";
import { createDeliveryPools, type DeliveryPools } from "./delivery-pools.js";
import type { Resolve } from "./destination-check.js";
import { pinnedLookup } from "./pinned-lookup.js";

type Sink = { port: number; hosts: IncomingHttpHeaders["host"][]; connections: number; server: Server };

const servers: Server[] = [];
const pools: DeliveryPools[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on the given loopback address, answering 200 and counting requests and connections. */
async function sink(address: string, port = 0): Promise<Sink> {
  const result: Sink = { port, hosts: [], connections: 0, server: createServer() };
  result.server.on("connection", () => (result.connections += 1));
  result.server.on("request", (req, res) => {
    result.hosts.push(req.headers.host);
    req.resume().on("end", () => res.end("ok"));
  });
  servers.push(result.server);
  result.server.listen(port, address);
  await once(result.server, "listening");
  result.port = (result.server.address() as AddressInfo).port;
  return result;
}

/** Two receivers on one port: 127.0.0.1 (what the check saw) and 127.0.0.2 (what DNS says later). */
async function twoReceivers(): Promise<[Sink, Sink]> {
  for (let tries = 0; ; tries += 1) {
    const checked = await sink("127.0.0.1");
    try {
      return [checked, await sink("127.0.0.2", checked.port)];
    } catch (error) {
      if (tries >= 5) throw error; // the port happened to be taken on 127.0.0.2; try another
    }
  }
}

/** Answers 127.0.0.1 the first time and 127.0.0.2 after that: a DNS rebinding. */
function rebinding(): Resolve & { calls: number } {
  const resolve = Object.assign(
    async () => {
      resolve.calls += 1;
      return [resolve.calls === 1 ? "127.0.0.1" : "127.0.0.2"];
    },
    { calls: 0 },
  );
  return resolve;
}

const send = (url: string, resolve: Resolve, extra: { pools?: DeliveryPools } = {}) =>
  deliver({ url, body: "{}", headers: {}, timeoutMs: 5_000, allowlist: ["127.0.0.0/8"], resolve, ...extra });

/** Sends one after another, as a consumer does: undici frees a connection a turn after its body ends. */
async function sendInTurn(...sends: Array<() => ReturnType<typeof send>>): Promise<string[]> {
  const outcomes: string[] = [];
  for (const next of sends) {
    outcomes.push((await next()).outcome);
    await nextTurn();
  }
  return outcomes;
}

describe("pinning the connection to the checked addresses", () => {
  it("connects to the address that was checked, even when DNS answers differently at connect time", async () => {
    const [checked, rebound] = await twoReceivers();
    const resolve = rebinding();
    const outcome = await send(`http://hooks.example:${checked.port}/`, resolve);
    expect(outcome).toMatchObject({ outcome: "delivered", status: 200 });
    expect(checked.hosts).toEqual([`hooks.example:${checked.port}`]); // the Host header keeps the name
    expect(rebound.hosts).toEqual([]);
    // The connection did not resolve the name again: neither through our resolver nor the system's,
    // which does not know hooks.example at all.
    expect(resolve.calls).toBe(1);
  });

  it("the lookup answers only with approved addresses, honouring a requested family", () => {
    const lookup = pinnedLookup(["127.0.0.1", "::1"]);
    const answers: unknown[] = [];
    const callback = (...args: unknown[]): number => answers.push(args);
    lookup("hooks.example", { all: true }, callback);
    lookup("hooks.example", { family: 6 }, callback);
    lookup("hooks.example", { family: 4, all: true }, callback);
    expect(answers).toEqual([
      [
        null,
        [
          { address: "127.0.0.1", family: 4 },
          { address: "::1", family: 6 },
        ],
      ],
      [null, "::1", 6],
      [null, [{ address: "127.0.0.1", family: 4 }]],
    ]);
    pinnedLookup(["127.0.0.1"])("hooks.example", { family: 6 }, callback);
    expect((answers[3] as unknown[])[0]).toMatchObject({ code: "ENOTFOUND" });
  });
});

describe("createDeliveryPools", () => {
  it("reuses a kept-alive connection per origin, and moves to a new pool when DNS changes", async () => {
    const [checked, rebound] = await twoReceivers();
    const shared = createDeliveryPools();
    pools.push(shared);
    const resolve = rebinding();
    const fixed: Resolve = async () => ["127.0.0.1"];
    const url = `http://hooks.example:${checked.port}/`;
    expect(
      await sendInTurn(
        () => send(url, resolve, { pools: shared }),
        () => send(url, fixed, { pools: shared }),
      ),
    ).toEqual(["delivered", "delivered"]);
    expect(checked.hosts).toHaveLength(2);
    expect(checked.connections).toBe(1);
    // A new answer means a new check and a pool pinned to it; the old connection is not used for it.
    expect(await send(url, resolve, { pools: shared })).toMatchObject({ outcome: "delivered" });
    expect(rebound.hosts).toHaveLength(1);
    expect(checked.hosts).toHaveLength(2);
  });

  it("closes idle pools beyond the limit", async () => {
    const a = await sink("127.0.0.1");
    const b = await sink("127.0.0.1");
    const shared = createDeliveryPools({ maxPools: 1 });
    pools.push(shared);
    const loopback: Resolve = async () => ["127.0.0.1"];
    await sendInTurn(
      () => send(`http://127.0.0.1:${a.port}/`, loopback, { pools: shared }),
      () => send(`http://127.0.0.1:${b.port}/`, loopback, { pools: shared }),
      () => send(`http://127.0.0.1:${a.port}/`, loopback, { pools: shared }),
    );
    // a's first pool was closed to make room for b's, so a's second delivery needed a new connection.
    expect(a.connections).toBe(2);
    expect(a.hosts).toHaveLength(2);
  });
});

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The receiving end of a whole-path benchmark: an HTTP server that answers 200 at once and notes,
 * per event id found in the body, how often it arrived and when it first did (performance.now()).
 * It runs in the process that sends the events, so send and receive times share one clock.
 */
export interface LatencySink {
  url: string;
  /** Distinct ids received. */
  readonly received: number;
  /** Requests whose id had already been received. */
  readonly repeats: number;
  /** performance.now() of an id's first arrival. */
  arrivedAt(id: string): number | undefined;
  /** Ids that arrived more than once. */
  repeated(): string[];
  /** performance.now() of the latest new id. */
  readonly lastArrival: number;
  close(): Promise<void>;
}

/** `idOf` picks the event id out of a received body (the two products shape their bodies differently). */
export async function startLatencySink(idOf: (body: any) => unknown): Promise<LatencySink> {
  const firstSeen = new Map<string, number>();
  const counts = new Map<string, number>();
  let repeats = 0;
  let lastArrival = 0;
  const note = (id: string, at: number): void => {
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    if (n > 1) {
      repeats++;
      return;
    }
    firstSeen.set(id, at);
    lastArrival = at;
  };
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      // Taken once the whole body is in, before parsing it.
      const at = performance.now();
      const id = idOf(parseJson(text));
      if (typeof id === "string") note(id, at);
      res.writeHead(200, { "content-type": "text/plain", "content-length": "2" }).end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sink`,
    get received() {
      return firstSeen.size;
    },
    get repeats() {
      return repeats;
    },
    get lastArrival() {
      return lastArrival;
    },
    arrivedAt: (id) => firstSeen.get(id),
    repeated: () => [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

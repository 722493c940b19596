import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local webhook receiver that answers 204 and counts each (path, webhook-id) once, so a
 * redelivery is not counted twice; it keeps the time of the first and the last new delivery.
 */
export interface CountingSink {
  url: string;
  readonly delivered: number;
  /** performance.now() of the first and the last new delivery since the last reset. */
  window(): { first: number; last: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const seen = new Set<string>();
  let first = 0;
  let last = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = `${req.url} ${String(req.headers["webhook-id"] ?? "")}`;
      if (!seen.has(key)) {
        seen.add(key);
        last = performance.now();
        if (first === 0) first = last;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get delivered() {
      return seen.size;
    },
    window: () => ({ first, last }),
    reset() {
      seen.clear();
      first = 0;
      last = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

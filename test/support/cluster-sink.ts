import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A third party's webhook endpoint on loopback: answers 204 and counts deliveries per webhook-id. */
export interface WebhookCounter {
  url: string;
  /** Deliveries received, per webhook-id (the event's messageId, the receiver's dedup key). */
  byId: Map<string, number>;
  /** Every delivery, repeats included. */
  total(): number;
  close(): Promise<void>;
}

export async function startWebhookCounter(): Promise<WebhookCounter> {
  const byId = new Map<string, number>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["webhook-id"] ?? "");
      byId.set(id, (byId.get(id) ?? 0) + 1);
      total++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/form-assigned`,
    byId,
    total: () => total,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A webhook endpoint that answers 200 at once and counts what arrives, per webhook-id. */
export class FaultSink {
  /** Requests per webhook-id. */
  readonly received = new Map<string, number>();
  /** The formAssignmentId each webhook-id carried. */
  readonly assignments = new Map<string, string>();
  total = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const id = String(req.headers["webhook-id"] ?? "");
        this.total++;
        this.received.set(id, (this.received.get(id) ?? 0) + 1);
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          info?: { formAssignmentId?: string };
        };
        this.assignments.set(id, String(event.info?.formAssignmentId));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  }

  get distinct(): number {
    return this.received.size;
  }

  /** Requests beyond the first for their webhook-id. */
  get duplicates(): number {
    return this.total - this.received.size;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }
}

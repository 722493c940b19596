import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@switchboard/webhooks";

/** One request as the receiver saw it, and what it answered. */
export interface ReceivedRequest {
  path: string;
  webhookId: string;
  timestamp: string;
  signature: string;
  headers: IncomingMessage["headers"];
  body: string;
  status: number;
  /** In flight to the same path when this one arrived, itself included. */
  concurrent: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Holds the answer back, to see what else arrives meanwhile. */
  delayMs?: number;
}

/** Decides the answer to a request; `seen` counts the earlier requests with the same webhook-id. */
export type Responder = (request: { path: string; webhookId: string; body: string; seen: number }) => Answer;

/**
 * A real HTTP endpoint on 127.0.0.1, as a customer would run one: it records every request, answers
 * through `respond`, and can go down (its port closed) and come back on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = () => ({ status: 200 });
  private server: Server | undefined;
  private port = 0;
  private readonly inFlight = new Map<string, number>();

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "/";
        const concurrent = (this.inFlight.get(path) ?? 0) + 1;
        this.inFlight.set(path, concurrent);
        const body = Buffer.concat(chunks).toString("utf8");
        const webhookId = String(req.headers["webhook-id"] ?? "");
        const seen = this.requests.filter((r) => r.webhookId === webhookId).length;
        const answer = this.respond({ path, webhookId, body, seen });
        this.requests.push({
          path,
          webhookId,
          timestamp: String(req.headers["webhook-timestamp"] ?? ""),
          signature: String(req.headers["webhook-signature"] ?? ""),
          headers: req.headers,
          body,
          status: answer.status,
          concurrent,
        });
        setTimeout(() => {
          this.inFlight.set(path, (this.inFlight.get(path) ?? 1) - 1);
          res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
          res.end(answer.body ?? `answered ${answer.status}`);
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  url(path = "/hooks"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Closes the port and drops open connections: the endpoint is down until `start()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Requests to one path (one subscription's endpoint). */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** How many 2xx answers each webhook-id got: a receiver that deduplicates acts on each once. */
  successesById(path?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of path === undefined ? this.requests : this.to(path)) {
      if (r.status >= 200 && r.status < 300) counts.set(r.webhookId, (counts.get(r.webhookId) ?? 0) + 1);
    }
    return counts;
  }
}

/** Receiver-side check, as the Standard Webhooks spec has it: any signature made with the secret. */
export function verifies(secret: string, request: ReceivedRequest): boolean {
  return verify(secret, request.headers as Record<string, string | string[] | undefined>, request.body);
}

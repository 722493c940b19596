import { once } from "node:events";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { deliver, type DeliverOptions } from "./deliver.js";
import { createDestinationCache } from "./destination-cache.js";
import { verify } from "./signature.js";
import { generateSigningSecret } from "./signing-secret.js";
import { webhookHeaders } from "./webhook-headers.js";

type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
type Receiver = { origin: string; port: number; requests: Received[]; server: Server };
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP receiver on 127.0.0.1 that records each request once its body has arrived. */
async function receiver(handler: Handler): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, requests, server };
}

const answer =
  (status: number, body = "", headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, headers).end(body);
  };

const secret = generateSigningSecret();
const event = JSON.stringify({ messageId: "msg_1", info: { formName: "Referral" } });

function attempt(
  url: string,
  overrides: Partial<DeliverOptions> = {},
): Promise<ReturnType<typeof deliver> extends Promise<infer O> ? O : never> {
  const headers = webhookHeaders({
    msgId: "msg_1",
    timestamp: Math.floor(Date.now() / 1000),
    body: event,
    secrets: [secret],
  });
  return deliver({ url, body: event, headers, timeoutMs: 5_000, allowlist: ["127.0.0.1"], ...overrides });
}

describe("deliver: answers", () => {
  it("2xx is delivered, with a signed POST and an excerpt of the answer", async () => {
    const sink = await receiver(answer(200, '{"ok":true}'));
    const outcome = await attempt(`${sink.origin}/referrals?source=switchboard#frag`);
    expect(outcome).toMatchObject({ outcome: "delivered", status: 200, excerpt: '{"ok":true}' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = sink.requests;
    expect(request).toMatchObject({ method: "POST", url: "/referrals?source=switchboard", body: event });
    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Switchboard-Webhooks/1",
      "webhook-id": "msg_1",
    });
    expect(verify(secret, request!.headers, request!.body)).toBe(true);
  });

  it("204 with no body is delivered with an empty excerpt", async () => {
    const sink = await receiver(answer(204));
    expect(await attempt(sink.origin)).toMatchObject({ outcome: "delivered", status: 204, excerpt: "" });
  });

  it("500 is retried, keeping the answer", async () => {
    const sink = await receiver(answer(500, "database down"));
    expect(await attempt(sink.origin)).toMatchObject({
      outcome: "retry",
      status: 500,
      excerpt: "database down",
    });
  });

  it("503 with Retry-After in seconds is retried after that long", async () => {
    const sink = await receiver(answer(503, "", { "retry-after": "120" }));
    expect(await attempt(sink.origin)).toMatchObject({
      outcome: "retry",
      status: 503,
      retryAfterMs: 120_000,
    });
  });

  it("503 with Retry-After as an HTTP date is retried at that date", async () => {
    const date = "Wed, 21 Oct 2026 07:28:00 GMT";
    const sink = await receiver(answer(503, "", { "retry-after": date }));
    const now = (): number => Date.parse(date) - 90_000;
    expect(await attempt(sink.origin, { now })).toMatchObject({
      outcome: "retry",
      status: 503,
      retryAfterMs: 90_000,
    });
  });

  it("429 honours Retry-After too, and is a plain retry without it", async () => {
    const limited = await receiver(answer(429, "slow down", { "retry-after": "7" }));
    expect(await attempt(limited.origin)).toMatchObject({
      outcome: "retry",
      status: 429,
      retryAfterMs: 7_000,
      excerpt: "slow down",
    });
    const bare = await receiver(answer(429));
    const outcome = await attempt(bare.origin);
    expect(outcome).toMatchObject({ outcome: "retry", status: 429 });
    expect(outcome).not.toHaveProperty("retryAfterMs");
  });

  it("Retry-After on other statuses is not taken", async () => {
    const sink = await receiver(answer(500, "", { "retry-after": "60" }));
    expect(await attempt(sink.origin)).not.toHaveProperty("retryAfterMs");
  });

  it("410 is gone: the endpoint is to be disabled", async () => {
    const sink = await receiver(answer(410, "unsubscribed"));
    expect(await attempt(sink.origin)).toMatchObject({
      outcome: "gone",
      status: 410,
      excerpt: "unsubscribed",
    });
  });

  it.each([400, 401, 404, 422])("%i is retried like any other failure", async (status) => {
    const sink = await receiver(answer(status, "no"));
    expect(await attempt(sink.origin)).toMatchObject({ outcome: "retry", status, excerpt: "no" });
  });

  it.each([301, 302, 307, 308])(
    "%i is not followed: the Location target receives nothing",
    async (status) => {
      const target = await receiver(answer(200));
      const sink = await receiver(answer(status, "", { location: `${target.origin}/elsewhere` }));
      const outcome = await attempt(`${sink.origin}/hook`);
      expect(outcome).toMatchObject({ outcome: "retry", status });
      expect(outcome.outcome === "retry" && outcome.error).toBe(
        `redirect (${status}) to ${target.origin}/elsewhere not followed; update the webhook URL`,
      );
      expect(sink.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    },
  );
});

describe("deliver: failures to get an answer", () => {
  it("a receiver that never answers times out, and the error says so", async () => {
    const sink = await receiver(() => undefined);
    const outcome = await attempt(sink.origin, { timeoutMs: 300 });
    expect(outcome).toMatchObject({
      outcome: "retry",
      error: `timed out after 300 ms waiting for ${sink.origin} to answer`,
    });
    expect(outcome).not.toHaveProperty("status");
    expect(sink.requests).toHaveLength(1);
  });

  it("an answer whose body stalls is bounded by the timeout, keeping the excerpt so far", async () => {
    const sink = await receiver((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    const outcome = await attempt(sink.origin, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ outcome: "delivered", status: 200, excerpt: "partial" });
  });

  it("a refused connection is retried, naming the error", async () => {
    const gone = await receiver(answer(200));
    servers.splice(servers.indexOf(gone.server), 1);
    await new Promise((resolve) => gone.server.close(resolve));
    const outcome = await attempt(gone.origin);
    expect(outcome).toMatchObject({ outcome: "retry" });
    expect(outcome.outcome === "retry" && outcome.error).toContain("ECONNREFUSED");
  });

  it("a name that does not resolve is retried, naming the host", async () => {
    const resolve = async (): Promise<string[]> => {
      throw Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" });
    };
    expect(await attempt("https://hooks.example/", { resolve })).toMatchObject({
      outcome: "retry",
      error: "cannot resolve hooks.example (EAI_AGAIN)",
    });
  });

  it("a resolver that hangs is bounded by the timeout", async () => {
    const resolve = (): Promise<string[]> => new Promise(() => undefined);
    expect(await attempt("https://hooks.example/", { resolve, timeoutMs: 100 })).toMatchObject({
      outcome: "retry",
      error: "timed out after 100 ms resolving the host",
    });
  });
});

describe("deliver: the response excerpt", () => {
  it("of a 10 MB answer is the first KiB, without downloading the rest", async () => {
    const total = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    let finishedWhenClosed: boolean | undefined;
    let onClosed = (): void => undefined;
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const sink = await receiver((_req, res) => {
      res.writeHead(200, { "content-length": String(total) });
      res.on("close", () => {
        finishedWhenClosed = res.writableFinished;
        onClosed();
      });
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const outcome = await attempt(sink.origin);
    await closed;
    expect(outcome).toMatchObject({ outcome: "delivered", status: 200, excerpt: "x".repeat(1024) });
    // The client hung up while the receiver still had most of the body to send.
    expect(finishedWhenClosed).toBe(false);
    expect(sent).toBeLessThan(total);
  });

  it("honours maxExcerptBytes and never cuts a character in two", async () => {
    const sink = await receiver(answer(500, "€€€€€€"));
    expect(await attempt(sink.origin, { maxExcerptBytes: 7 })).toMatchObject({
      outcome: "retry",
      excerpt: "€€",
    });
    expect(await attempt(sink.origin, { maxExcerptBytes: 0 })).toMatchObject({
      outcome: "retry",
      excerpt: "",
    });
  });
});

describe("deliver: the SSRF guard", () => {
  it("refuses a loopback receiver that is not allowlisted, sending nothing", async () => {
    const sink = await receiver(answer(200));
    const outcome = await attempt(sink.origin, { allowlist: [] });
    expect(outcome).toMatchObject({ outcome: "refused", problem: { code: "private-address" } });
    expect(sink.requests).toHaveLength(0);
  });

  it("refuses a name resolving to a private address, whatever resolver is used", async () => {
    const sink = await receiver(answer(200));
    for (const address of ["127.0.0.1", "10.0.0.8", "169.254.169.254"]) {
      const outcome = await attempt(`http://hooks.example:${sink.port}/`, {
        allowlist: [],
        resolve: async () => [address],
      });
      expect(outcome).toMatchObject({ outcome: "refused", problem: { code: "private-address" } });
      expect(outcome.outcome === "refused" && outcome.problem.message).toContain(`resolves to ${address}`);
    }
    expect(sink.requests).toHaveLength(0);
  });

  it("uses an approval for its TTL, to the checked address only; a name now resolving to a private address is refused after it", async () => {
    const sink = await receiver(answer(204));
    let clock = 1_000_000;
    const destinations = createDestinationCache({ ttlMs: 5_000, now: () => clock });
    let answerWith = "127.0.0.1";
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [answerWith];
    };
    const url = `http://hooks.example:${sink.port}/`;
    const send = () => attempt(url, { allowlist: ["127.0.0.1"], resolve, destinations });
    expect(await send()).toMatchObject({ outcome: "delivered" });
    // The name now points somewhere private: within the TTL the request still goes to the address
    // that was checked (the connection is pinned to it), not to the new one.
    answerWith = "10.0.0.8";
    clock += 4_999;
    expect(await send()).toMatchObject({ outcome: "delivered" });
    expect(lookups).toBe(1);
    clock += 1;
    const refused = await send();
    expect(refused).toMatchObject({ outcome: "refused", problem: { code: "private-address" } });
    expect(refused.outcome === "refused" && refused.problem.message).toContain("resolves to 10.0.0.8");
    expect(lookups).toBe(2);
    expect(sink.requests).toHaveLength(2);
    // A refusal is not kept: once the name is fixed, the next attempt is checked and sent.
    answerWith = "127.0.0.1";
    expect(await send()).toMatchObject({ outcome: "delivered" });
    expect(lookups).toBe(3);
  });

  it("refuses URLs it cannot use", async () => {
    expect(await attempt("ftp://example.com/")).toMatchObject({
      outcome: "refused",
      problem: { code: "scheme" },
    });
    expect(await attempt("http://u:p@127.0.0.1/")).toMatchObject({
      outcome: "refused",
      problem: { code: "credentials" },
    });
  });
});

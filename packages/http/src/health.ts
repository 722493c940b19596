import type { FastifyBaseLogger, FastifyInstance } from "fastify";

/** Something the server needs before it should take traffic: NATS connected, database reachable, … */
export type ReadinessCheck = { name: string; check(): Promise<boolean> };

export type ReadinessResult = { name: string; ok: boolean; reason?: string };

export type ReadinessReport = { status: "ready" | "unavailable"; checks: ReadinessResult[] };

/** A hung dependency must make /readyz answer "not ready", not hang the probe. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Runs every check at once; only our own wording reaches the (public) response, the cause goes to the log. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  log: FastifyBaseLogger,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((check) => runCheck(check, log, timeoutMs)));
  return { status: results.every((r) => r.ok) ? "ready" : "unavailable", checks: results };
}

async function runCheck(
  check: ReadinessCheck,
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check.check(), timeout]);
    if (outcome === true) return { name: check.name, ok: true };
    const reason = outcome === "timeout" ? `no answer within ${timeoutMs} ms` : "check failed";
    log.warn({ check: check.name, reason }, "readiness check failed");
    return { name: check.name, ok: false, reason };
  } catch (error) {
    log.warn({ check: check.name, err: error }, "readiness check threw");
    return { name: check.name, ok: false, reason: "check threw an error" };
  } finally {
    clearTimeout(timer);
  }
}

const readinessSchema = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    status: { type: "string", enum: ["ready", "unavailable"] },
    checks: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "ok"],
        properties: { name: { type: "string" }, ok: { type: "boolean" }, reason: { type: "string" } },
      },
    },
  },
} as const;

export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get(
    "/healthz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["operations"],
        summary: "The process is up",
        response: { 200: { type: "object", properties: { status: { type: "string", const: "ok" } } } },
      },
    },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/readyz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["operations"],
        summary: "Every dependency is ready (503 otherwise)",
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (request, reply) => {
      const report = await runReadinessChecks(checks, request.log);
      return reply.code(report.status === "ready" ? 200 : 503).send(report);
    },
  );
}

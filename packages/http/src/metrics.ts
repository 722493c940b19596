import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The server's Prometheus registry; services register their own counters on it. */
export type HttpMetrics = { registry: Registry };

declare module "fastify" {
  interface FastifyInstance {
    metrics: HttpMetrics;
  }
}

/** Label for requests that matched no route, so that scanners probing random paths cannot explode cardinality. */
const UNMATCHED_ROUTE = "unmatched";

/**
 * A registry per server rather than prom-client's global one: several servers in one process (tests,
 * or embedding) would otherwise collide on metric names.
 */
export function installMetrics(app: FastifyInstance): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  const metrics = { registry };
  app.decorate("metrics", metrics);
  app.addHook("onClose", async () => registry.clear());
  return metrics;
}

export function registerMetricsRoute(app: FastifyInstance, metrics: HttpMetrics): void {
  app.get(
    "/metrics",
    {
      config: { auth: "public" },
      schema: { tags: ["operations"], summary: "Prometheus metrics", produces: ["text/plain"] },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}

import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "@switchboard/logger";
import { installAuthenticator } from "./auth.js";
import { installHostCheck, sendClientError } from "./client-errors.js";
import { installErrorHandling, sendFrameworkError } from "./error-handler.js";
import { registerHealthRoutes, type ReadinessCheck } from "./health.js";
import { installJsonBodyParser } from "./json-body-parser.js";
import { lazyChildLogger } from "./lazy-child-logger.js";
import { installMetrics, registerMetricsRoute } from "./metrics.js";
import { installOpenApi, registerDocsRoutes } from "./openapi.js";
import { MAX_PATH_SEGMENT_LENGTH } from "./limits.js";
import { installParameterCoercion } from "./parameter-coercion.js";
import { problemSchema } from "./problem-schema.js";
import { installRequestIdEcho, requestIdOf } from "./request-id.js";
import type { Authenticator } from "./roles.js";
import { installRouteAuth, type OrgExists } from "./route-auth.js";
import { installTextChecks } from "./text-checks.js";

export type HttpServerOptions = {
  logger: Logger;
  authenticate: Authenticator;
  /** Default limit for every route; a route may set its own `bodyLimit`. */
  bodyLimitBytes: number;
  maxJsonDepth: number;
  /**
   * Whether an org exists. A platform key may name any org in a path; with this, naming one that
   * does not exist is a 404 instead of a write for an org nobody has.
   */
  orgExists?: OrgExists;
  readiness: ReadinessCheck[];
  /** For the OpenAPI document. */
  title?: string;
  version?: string;
};

/**
 * A configured server, not yet listening. Callers `await app.register(plugin)` for each service's routes,
 * then `await app.listen(...)`; tests use `app.inject()`.
 */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  assertPositiveInteger("bodyLimitBytes", options.bodyLimitBytes);
  assertPositiveInteger("maxJsonDepth", options.maxJsonDepth);
  const app = Fastify({
    // Typed as fastify's base logger so the instance is the plain `FastifyInstance` that plugins expect.
    loggerInstance: options.logger as FastifyBaseLogger,
    childLoggerFactory: lazyChildLogger,
    bodyLimit: options.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: requestIdOf,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
    http: { requireHostHeader: false },
    // Route schemas bound each parameter with a message that names it; the router's own limit only
    // stops absurd segments, which it reports without knowing the parameter.
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    // Never repair a request silently: unknown properties and wrong types are reported, not dropped or cast.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true },
    },
  });
  app.addSchema(problemSchema);
  installRequestIdEcho(app);
  installHostCheck(app);
  installErrorHandling(app);
  installJsonBodyParser(app, options.maxJsonDepth);
  installParameterCoercion(app);
  installTextChecks(app);
  installAuthenticator(app, options.authenticate);
  installRouteAuth(app, options.orgExists);
  const metrics = installMetrics(app);
  await installOpenApi(app, { title: options.title ?? "Switchboard", version: options.version ?? "0.1.0" });
  registerHealthRoutes(app, options.readiness);
  registerMetricsRoute(app, metrics);
  registerDocsRoutes(app);
  return app;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

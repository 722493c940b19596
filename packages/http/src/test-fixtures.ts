import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { SwitchboardError, ValidationError, type ErrorCode } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { authorize, principalOf } from "./auth.js";
import type { ReadinessCheck } from "./health.js";
import { problem } from "./problem.js";
import { requestMeta } from "./request-meta.js";
import { problemResponses } from "./problem-schema.js";
import type { Principal } from "./roles.js";
import { buildHttpServer } from "./server.js";

/** Keys known to the in-memory authenticator the tests use, by token. */
export const KEYS = {
  platformAdmin: { keyId: "k-platform", orgId: null, roles: ["platform-admin"] },
  orgAAdmin: { keyId: "k-a-admin", orgId: "org-a", roles: ["org-admin"] },
  orgAContent: { keyId: "k-a-content", orgId: "org-a", roles: ["content-manager"] },
  orgAViewer: { keyId: "k-a-viewer", orgId: "org-a", roles: ["viewer"] },
  orgBContent: { keyId: "k-b-content", orgId: "org-b", roles: ["content-manager"] },
  orgAFakePlatform: { keyId: "k-a-fake", orgId: "org-a", roles: ["platform-admin"] },
} satisfies Record<string, Principal>;

export type KeyName = keyof typeof KEYS;

export const tokenOf = (name: KeyName): string => `sk_test_${name}`;
export const bearer = (name: KeyName): { authorization: string } => ({
  authorization: `Bearer ${tokenOf(name)}`,
});

export type TestServer = { app: FastifyInstance; logLines: () => Record<string, unknown>[] };

/** A real server with an in-memory key table, the test routes and a captured log. */
export async function buildTestServer(
  options: { readiness?: ReadinessCheck[]; bodyLimitBytes?: number; maxJsonDepth?: number } = {},
): Promise<TestServer> {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let pending = "";
  stream.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) if (line !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const byToken = new Map(
    Object.entries(KEYS).map(([name, principal]) => [tokenOf(name as KeyName), principal]),
  );
  const app = await buildHttpServer({
    logger: createLogger({ destination: stream, level: "debug" }),
    authenticate: async (token) => byToken.get(token),
    bodyLimitBytes: options.bodyLimitBytes ?? 4096,
    maxJsonDepth: options.maxJsonDepth ?? 8,
    readiness: options.readiness ?? [],
    title: "test",
    version: "1.2.3",
  });
  await app.register(testRoutes);
  return { app, logLines: () => lines };
}

/** Routes like a service would register them, inside an encapsulated plugin. */
export async function testRoutes(app: FastifyInstance): Promise<void> {
  const thing = {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: { name: { type: "string" }, count: { type: "integer" } },
  } as const;
  app.get(
    "/v1/orgs/:org/things",
    {
      config: { auth: { roles: ["content-manager", "viewer"] } },
      schema: {
        summary: "List things",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1 },
            tag: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
    async (request) => ({
      org: (request.params as { org: string }).org,
      query: request.query,
      keyId: request.principal?.keyId,
    }),
  );
  app.post(
    "/v1/orgs/:org/things",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: { body: thing, response: { 201: thing, ...problemResponses(400, 409) } },
    },
    async (request, reply) => reply.code(201).send(request.body),
  );
  app.get("/v1/platform/stats", { config: { auth: { roles: ["platform-admin"] } } }, async () => ({
    ok: true,
  }));
  app.get(
    "/v1/tenants/:tenant/notes",
    { config: { auth: { roles: ["viewer"], orgParam: "tenant" } } },
    async () => ({
      ok: true,
    }),
  );
  app.post("/echo", { config: { auth: "public" } }, async (request) => ({
    body: request.body,
    rawLength: request.rawBody?.length ?? null,
    contentType: request.headers["content-type"],
  }));
  app.get("/throw/:code", { config: { auth: "public" } }, async (request) => {
    const code = (request.params as { code: string }).code as ErrorCode;
    throw new SwitchboardError(code, `thrown with ${code}`, { details: { retryAfterSeconds: 7 } });
  });
  app.post("/ingest", { config: { auth: "public" } }, async (_request, reply) =>
    problem(
      reply,
      new ValidationError("the payload does not match its schema", {
        details: [{ path: "/a", message: "must be string" }],
      }),
      {
        status: 422,
      },
    ),
  );
  app.get("/crash", { config: { auth: "public" } }, async () => {
    throw new Error("connection to postgres://admin:hunter2@db failed");
  });
  app.get("/v1/orgs/:org/meta", { config: { auth: { roles: ["viewer"] } } }, async (request) =>
    requestMeta(request, (request.params as { org: string }).org),
  );
  app.get(
    "/v1/orgs/:org/rules",
    { config: { auth: { roles: ["viewer", "content-manager"] } } },
    async (request) => {
      // A decision a declaration cannot express: this handler also wants content-manager.
      const principal = await authorize(request, {
        orgId: (request.params as { org: string }).org,
        roles: ["content-manager"],
      });
      return { keyId: principal.keyId, guarded: principalOf(request).keyId };
    },
  );
}

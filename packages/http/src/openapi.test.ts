import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildTestServer } from "./test-fixtures.js";

type Operation = { security?: unknown; responses: Record<string, unknown>; "x-switchboard-roles"?: string[] };
type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
};

describe("/docs", () => {
  let app: FastifyInstance;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
    const res = await app.inject({ method: "GET", url: "/docs" });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(() => app.close());

  it("is an OpenAPI 3.1 document with a bearer security scheme", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "test", version: "1.2.3" });
    expect(doc.components.securitySchemes["bearer"]).toEqual(
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
  });

  it("lists a guarded route with its security, roles and problem responses", () => {
    const post = doc.paths["/v1/orgs/{org}/things"]?.["post"];
    expect(post?.security).toEqual([{ bearer: [] }]);
    expect(post?.["x-switchboard-roles"]).toEqual(["content-manager"]);
    expect(Object.keys(post?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "404", "409"]),
    );
    expect(post?.responses["403"]).toEqual({
      description: expect.any(String),
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
    expect(doc.components.schemas["Problem"]).toMatchObject({
      required: ["type", "title", "status", "detail", "code"],
    });
  });

  it("lists the operational endpoints as public and hides itself", () => {
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      expect(doc.paths[path]?.["get"], path).toBeDefined();
      expect(doc.paths[path]?.["get"]?.security, path).toBeUndefined();
    }
    expect(doc.paths["/docs"]).toBeUndefined();
  });

  it("serves the same document at /docs/openapi.json", async () => {
    const res = await app.inject({ method: "GET", url: "/docs/openapi.json" });
    expect(res.json()).toEqual(doc);
  });
});

// Route schemas of every service carry OpenAPI fields (tags, summary); this brings @fastify/swagger's
// additions to fastify's types to whoever builds routes with this package, also in per-package builds.
/// <reference types="@fastify/swagger" preserve="true" />
export { buildHttpServer } from "./server.js";
export type { HttpServerOptions } from "./server.js";
export { ROLES, isRole } from "./roles.js";
export type { Role, Principal, Authenticator } from "./roles.js";
export { authorize, principalOf } from "./auth.js";
export { decideAccess, isPlatformAdmin } from "./access.js";
export type { AccessRequirement, AccessDecision } from "./access.js";
export { BEARER_SCHEME } from "./route-auth.js";
export type { RouteAuth, OrgExists } from "./route-auth.js";
export { problem, statusOf, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX } from "./problem.js";
export type { ProblemDocument, ProblemFieldError, ProblemOptions } from "./problem.js";
export { problemResponses, PROBLEM_SCHEMA_ID } from "./problem-schema.js";
export { parseStrictJson, findForbiddenKey, exceedsDepth, JSON_MEDIA_TYPE } from "./json-body-parser.js";
export { REQUEST_ID_HEADER } from "./request-id.js";
export type { ReadinessCheck, ReadinessReport, ReadinessResult } from "./health.js";
export type { HttpMetrics } from "./metrics.js";
export { requestMeta } from "./request-meta.js";
export type { RequestMeta } from "./request-meta.js";
export { ORG_ID_SCHEMA, ORG_PARAMS } from "./route-schemas.js";
export type { SchemaTypeProvider } from "./type-provider.js";

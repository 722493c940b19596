import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  preHandlerAsyncHookHandler,
  RouteOptions,
} from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { isPlatformAdmin } from "./access.js";
import { authorize } from "./auth.js";
import { problemResponses } from "./problem-schema.js";
import { isRole, type Role } from "./roles.js";

/** Name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = "bearer";

/**
 * Every route says who may call it: `"public"`, or the roles any one of which suffices. On a route whose
 * path holds an org (`/v1/orgs/:org/…`) the key must belong to that org; `orgParam` names the parameter
 * when it is not the one after `orgs/`.
 */
export type RouteAuth = "public" | { roles: readonly Role[]; orgParam?: string };

/** Whether an org of this id exists. */
export type OrgExists = (orgId: string) => Promise<boolean>;

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

/** The parameter that follows an `orgs` segment, e.g. `org` in `/v1/orgs/:org/rules`. */
const ORG_SEGMENT = /\/orgs\/:([A-Za-z0-9_]+)/;

/**
 * Checks each route's declaration when it is added: a route that forgot to declare its access fails
 * the server's start instead of silently becoming public. Guarded routes get their guard and their
 * security requirement in the OpenAPI document.
 */
export function installRouteAuth(app: FastifyInstance, orgExists?: OrgExists): void {
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (auth === undefined) {
      throw new Error(`${describe(route)}: declare config.auth ("public" or { roles: [...] })`);
    }
    if (auth === "public") return;
    const orgParam = orgParamOf(route, auth);
    const roles = checkedRoles(route, auth.roles);
    route.onRequest = [guard(orgParam, roles), ...asArray(route.onRequest)];
    if (orgParam !== undefined && orgExists !== undefined) {
      route.preHandler = [existingOrg(orgParam, orgExists), ...asArray(route.preHandler)];
    }
    document(route, roles);
  });
}

function guard(orgParam: string | undefined, roles: readonly Role[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const orgId =
      orgParam === undefined ? undefined : (request.params as Record<string, string | undefined>)[orgParam];
    await authorize(request, { orgId, roles });
  };
}

/**
 * An org key's org exists (keys belong to orgs), but a platform key may name any org. Checked after
 * validation, so a malformed org id is reported as such rather than as missing.
 */
function existingOrg(orgParam: string, orgExists: OrgExists): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    if (request.principal === undefined || !isPlatformAdmin(request.principal)) return;
    const orgId = (request.params as Record<string, string | undefined>)[orgParam] ?? "";
    if (!(await orgExists(orgId))) throw new NotFoundError(`org "${orgId}" does not exist`);
  };
}

function orgParamOf(route: RouteOptions, auth: Exclude<RouteAuth, "public">): string | undefined {
  const inPath = ORG_SEGMENT.exec(route.url)?.[1];
  if (auth.orgParam === undefined) return inPath;
  // A misnamed parameter would read as "no org" and skip the tenancy check, so refuse it here.
  if (!route.url.split("/").includes(`:${auth.orgParam}`)) {
    throw new Error(
      `${describe(route)}: config.auth.orgParam "${auth.orgParam}" is not a parameter of the path`,
    );
  }
  return auth.orgParam;
}

function checkedRoles(route: RouteOptions, roles: readonly Role[]): readonly Role[] {
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new Error(`${describe(route)}: unknown roles ${unknown.join(", ")}`);
  return roles;
}

/** A new schema object, so that routes sharing one schema are not changed behind their backs. */
function document(route: RouteOptions, roles: readonly Role[]): void {
  const schema = route.schema ?? {};
  route.schema = {
    ...schema,
    security: [{ [BEARER_SCHEME]: [] }],
    "x-switchboard-roles": [...roles],
    response: { ...problemResponses(401, 403, 404), ...(schema.response as object | undefined) },
  } as RouteOptions["schema"];
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function describe(route: RouteOptions): string {
  return `route ${String(route.method)} ${route.url}`;
}

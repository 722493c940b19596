import type { FastifyInstance, FastifyRequest } from "fastify";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@switchboard/errors";
import { decideAccess, sufficientRoles, type AccessRequirement } from "./access.js";
import type { Authenticator, Principal } from "./roles.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller; set once a route guard or `authorize()` has accepted the request's key. */
    principal?: Principal;
  }
}

const kAuthenticator = Symbol("switchboard.authenticator");

/** RFC 6750 b64token; anything else is malformed and never reaches the authenticator. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_AUTHORIZATION_LENGTH = 4096;

/** One authenticator call per request, however many times a request is authorized. */
const resolved = new WeakMap<FastifyRequest, Promise<Principal>>();

export function installAuthenticator(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorate(kAuthenticator, authenticator);
  app.decorateRequest("principal", undefined);
}

/**
 * Authenticates the request's bearer key and checks it against `requirement`; returns the principal or
 * throws 401 (no valid key), 404 (another org's resource) or 403 (missing role). Route guards call it
 * for `config.auth`; handlers call it for decisions a route declaration cannot express.
 */
export async function authorize(request: FastifyRequest, requirement: AccessRequirement): Promise<Principal> {
  const principal = await authenticate(request);
  const decision = decideAccess(principal, requirement);
  if (decision === "not-found") throw new NotFoundError("not found");
  if (decision === "forbidden") {
    const roles = sufficientRoles(requirement);
    throw new ForbiddenError(`this operation requires one of the roles: ${roles.join(", ")}`, {
      details: { requiredRoles: roles },
    });
  }
  return principal;
}

/** The request's principal, or 401. */
export function authenticate(request: FastifyRequest): Promise<Principal> {
  let pending = resolved.get(request);
  if (pending === undefined) {
    pending = resolve(request);
    resolved.set(request, pending);
  }
  return pending;
}

async function resolve(request: FastifyRequest): Promise<Principal> {
  const token = bearerToken(request.headers.authorization);
  const principal = await authenticatorOf(request)(token);
  if (principal === undefined) throw new UnauthenticatedError("the API key is unknown or has been revoked");
  request.principal = principal;
  return principal;
}

export function bearerToken(header: string | undefined): string {
  if (header === undefined || header === "") throw new UnauthenticatedError();
  const token = header.length <= MAX_AUTHORIZATION_LENGTH ? BEARER.exec(header)?.[1] : undefined;
  if (token === undefined) throw new UnauthenticatedError('the Authorization header must be "Bearer <key>"');
  return token;
}

function authenticatorOf(request: FastifyRequest): Authenticator {
  const authenticator = (request.server as unknown as Record<symbol, Authenticator | undefined>)[
    kAuthenticator
  ];
  if (authenticator === undefined) throw new Error("authorize() needs a server made by buildHttpServer()");
  return authenticator;
}

/** The principal a route guard resolved; for handlers of guarded routes, so they need not re-declare roles. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new UnauthenticatedError();
  return request.principal;
}

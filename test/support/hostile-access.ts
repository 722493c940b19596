import { callerKey, type AimedCase } from "./hostile-bodies.js";
import type { HostileFixture, HostileOrg } from "./hostile-fixture.js";
import type { FetchRequest } from "./hostile-http.js";
import { pathOf, PUBLIC_ROUTES, routeName, type PublicRoute } from "./hostile-routes.js";

type AccessCase = AimedCase;

const secured = PUBLIC_ROUTES.filter((r) => r.roles.length > 0);
const orgScoped = secured.filter((r) => r.path.startsWith("/v1/orgs/{org}"));

/** The route's request on `org`'s resources with `key`, and a body the route accepts. */
const call =
  (
    route: PublicRoute,
    org: (fx: HostileFixture) => HostileOrg,
    key: (fx: HostileFixture) => string | undefined,
  ) =>
  (fx: HostileFixture): FetchRequest => {
    const target = org(fx);
    const body = route.body?.(target);
    const k = key(fx);
    return {
      method: route.method,
      path: pathOf(route.path, target),
      ...(k === undefined ? {} : { key: k }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
  };

/** A single-role key of alpha's that the route does not accept, if there is one (org-admin may do anything in its org). */
function keyWithout(route: PublicRoute): ((fx: HostileFixture) => string) | undefined {
  if (route.roles.includes("org-admin")) return undefined; // every key has a role it names (GET /v1/whoami)
  if (route.roles.includes("platform-admin")) return ({ alpha }) => alpha.keys.admin;
  const kinds = [
    ["viewer", "viewer"],
    ["app", "app"],
    ["content-manager", "cm"],
  ] as const;
  const lacking = kinds.find(([role]) => !route.roles.includes(role));
  return lacking === undefined ? undefined : ({ alpha }) => alpha.keys[lacking[1]];
}

/**
 * Per route: no key and a garbage key → 401; a key without the role → 403; and alpha's org-admin
 * key (every role of its org) on beta's real resources → the 404 of any missing org, never beta's data.
 */
export function accessCases(): AccessCase[] {
  const alpha = (fx: HostileFixture) => fx.alpha;
  const beta = (fx: HostileFixture) => fx.beta;
  return [
    ...secured.map((route) => ({
      category: "no key",
      name: `no key on ${routeName(route)}`,
      route: routeName(route),
      status: 401,
      code: "SB_ERR_UNAUTHENTICATED",
      detail: "a valid API key is required",
      request: call(route, alpha, () => undefined),
    })),
    ...secured.map((route) => ({
      category: "a garbage key",
      name: `a garbage key on ${routeName(route)}`,
      route: routeName(route),
      status: 401,
      code: "SB_ERR_UNAUTHENTICATED",
      detail: "the API key is unknown or has been revoked",
      request: call(route, alpha, () => `sbk_${"Zz9-".repeat(10)}xyz`),
    })),
    ...secured.flatMap((route) => {
      const key = keyWithout(route);
      return key === undefined
        ? []
        : [
            {
              category: "a key without the role",
              name: `a key without the role on ${routeName(route)}`,
              route: routeName(route),
              status: 403,
              code: "SB_ERR_FORBIDDEN",
              detail: "this operation requires one of the roles",
              request: call(route, alpha, key),
            },
          ];
    }),
    ...orgScoped.map((route) => ({
      category: "another org's key on its resources",
      name: `alpha's org-admin key on beta's ${routeName(route)}`,
      route: routeName(route),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: "not found",
      request: call(route, beta, (fx) => fx.alpha.keys.admin),
    })),
    ...orgScoped
      .filter((route) => !route.roles.includes("org-admin"))
      .slice(0, 10)
      .map((route) => ({
        category: "another org's key on its resources",
        name: `alpha's ${callerKind(route)} key on beta's ${routeName(route)}`,
        route: routeName(route),
        status: 404,
        code: "SB_ERR_NOT_FOUND",
        detail: "not found",
        request: call(route, beta, (fx) => callerKey(route, fx.alpha)),
      })),
  ];
}

const callerKind = (route: PublicRoute) => route.roles[0] ?? "public";

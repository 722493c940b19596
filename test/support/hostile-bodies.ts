import { nested } from "./body-cases.js";
import type { HostileFixture, HostileOrg } from "./hostile-fixture.js";
import type { FetchRequest } from "./hostile-http.js";
import { pathOf, PUBLIC_ROUTES, routeName, type PublicRoute } from "./hostile-routes.js";
import { ADMIN_KEY } from "./switchboard.js";

export const BODY_LIMIT = 1_048_576;
export const MAX_DEPTH = 32;

/** What a hostile case expects back. */
export interface Refusal {
  status: number;
  code: string;
  detail?: string | RegExp;
}

/** One way of sending a body wrong, for any route that parses one. */
export interface BodyKind extends Refusal {
  name: string;
  /** Default: malformed JSON. */
  category?: string;
  request: (valid: unknown) => Pick<FetchRequest, "body" | "contentType" | "headers">;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => JSON.stringify(value ?? {});
/** The valid body's text with `member` (raw JSON) added first. */
const withMember = (valid: unknown, member: string) => {
  const rest = json(valid).slice(1);
  return `{${member}${rest === "}" ? "}" : `,${rest}`}`;
};
const MALFORMED = { status: 400, code: "SB_ERR_MALFORMED_JSON", detail: "not valid JSON" } as const;
const NOT_UTF8 = { status: 400, code: "SB_ERR_MALFORMED_JSON", detail: "not valid UTF-8" } as const;
const UNSUPPORTED = { status: 415, code: "SB_ERR_UNSUPPORTED_MEDIA_TYPE" } as const;

/** Malformed JSON that bad-input's body cases do not send: sent to every route with a body. */
export const PARSER_KINDS: readonly BodyKind[] = [
  { name: "trailing garbage", ...MALFORMED, request: (v) => ({ body: `${json(v)} x` }) },
  { name: "two documents back to back", ...MALFORMED, request: (v) => ({ body: json(v) + json(v) }) },
  { name: "a NaN value", ...MALFORMED, request: (v) => ({ body: withMember(v, '"n":NaN') }) },
  { name: "an Infinity value", ...MALFORMED, request: (v) => ({ body: withMember(v, '"n":-Infinity') }) },
  { name: "a second byte order mark", ...MALFORMED, request: (v) => ({ body: `\uFEFF\uFEFF${json(v)}` }) },
  { name: "a comment", ...MALFORMED, request: (v) => ({ body: `/* note */${json(v)}` }) },
  {
    name: "a raw line break inside a string",
    ...MALFORMED,
    request: (v) => ({ body: withMember(v, '"s":"a\nb"') }),
  },
  {
    name: "UTF-16LE with a byte order mark",
    ...NOT_UTF8,
    request: (v) => ({ body: new Uint8Array([0xff, 0xfe, ...Buffer.from(json(v), "utf16le")]) }),
  },
  {
    name: "an overlong UTF-8 encoding of '/'",
    ...NOT_UTF8,
    request: (v) => ({
      body: new Uint8Array([...utf8(withMember(v, '"s":"a').slice(0, -1)), 0xc0, 0xaf, ...utf8('"}')]),
    }),
  },
];

/** What bad-input sends to the domain write routes, for the routes it does not cover. */
export const EDGE_KINDS: readonly BodyKind[] = [
  { name: "truncated JSON", ...MALFORMED, request: (v) => ({ body: json(v).slice(0, -1) }) },
  {
    name: "an empty body declared as JSON",
    status: 400,
    code: "SB_ERR_MALFORMED_JSON",
    detail: "empty",
    request: () => ({ body: "" }),
  },
  {
    name: "a body over the size limit",
    category: "huge payloads",
    status: 413,
    code: "SB_ERR_BODY_TOO_LARGE",
    detail: `limit of ${BODY_LIMIT} bytes`,
    request: (v) => ({ body: withMember(v, `"pad":"${"x".repeat(BODY_LIMIT)}"`) }),
  },
  {
    name: "JSON one level deeper than the limit",
    category: "deep nesting",
    status: 400,
    code: "SB_ERR_JSON_TOO_DEEP",
    detail: `${MAX_DEPTH} levels`,
    request: (v) => ({ body: withMember(v, `"deep":${nested(MAX_DEPTH)}`) }),
  },
  {
    name: "JSON 200,000 levels deep",
    category: "deep nesting",
    status: 400,
    code: "SB_ERR_JSON_TOO_DEEP",
    request: () => ({ body: nested(200_000) }),
  },
  {
    name: "a __proto__ key at the top",
    category: "prototype keys",
    status: 400,
    code: "SB_ERR_MALFORMED_JSON",
    detail: 'JSON key "__proto__" is not allowed',
    request: (v) => ({ body: withMember(v, '"__proto__":{"isAdmin":true}') }),
  },
  {
    name: "a constructor.prototype key nested",
    category: "prototype keys",
    status: 400,
    code: "SB_ERR_MALFORMED_JSON",
    detail: 'JSON key "constructor" is not allowed (at /x/constructor)',
    request: (v) => ({ body: withMember(v, '"x":{"constructor":{"prototype":{"isAdmin":true}}}') }),
  },
  ...(
    [
      ["text/plain", '"text/plain"'],
      ["application/x-www-form-urlencoded", "x-www-form-urlencoded"],
      ["application/json; charset=utf-16", "charset utf-16"],
      ["application/jsonx", '"application/jsonx"'],
    ] as const
  ).map(([type, detail]): BodyKind => ({
    name: `Content-Type ${type}`,
    category: "content types",
    ...UNSUPPORTED,
    detail,
    request: (v) => ({ body: json(v), contentType: type }),
  })),
  {
    name: "a body without Content-Type",
    category: "content types",
    ...UNSUPPORTED,
    detail: "without Content-Type",
    request: (v) => ({ body: json(v), contentType: null }),
  },
];

/** Routes bad-input's body cases already cover with the edge kinds. */
const COVERED = new Set([
  "POST /v1/orgs",
  "POST /v1/orgs/{org}/api-keys",
  "POST /v1/orgs/{org}/plan-templates",
  "POST /v1/orgs/{org}/plans",
  "POST /v1/orgs/{org}/plans/{planId}/form-assignments",
  "POST /v1/orgs/{org}/form-assignments/{id}/submission",
  "PUT /v1/orgs/{org}/work-queues/{queue}",
  "POST /v1/orgs/{org}/work-queues/{queue}/items",
  "PATCH /v1/orgs/{org}/work-queue-items/{id}",
]);

/** Routes that read a JSON body although they need none: it must still be parsed strictly. */
const BODYLESS_PARSED = new Set([
  "DELETE /v1/orgs/{org}/api-keys/{id}",
  "DELETE /v1/orgs/{org}/inbound-events/{name}",
  "DELETE /v1/orgs/{org}/rules/{ruleId}",
  "DELETE /v1/orgs/{org}/webhooks/{id}",
  "POST /v1/orgs/{org}/webhooks/{id}/test",
  "POST /v1/orgs/{org}/dead-letters/{id}/retry",
]);

/** A key of the org that holds one of the route's roles (the platform key for platform routes). */
export function callerKey(route: PublicRoute, org: HostileOrg): string {
  const roles = new Set(route.roles);
  if (roles.has("platform-admin")) return ADMIN_KEY;
  if (roles.has("org-admin")) return org.keys.admin;
  if (roles.has("content-manager")) return org.keys.cm;
  if (roles.has("app")) return org.keys.app;
  return org.integrationKey;
}

/** One hostile request: its category, the OpenAPI route it is aimed at, and the refusal it must get. */
export interface AimedCase<R = FetchRequest> extends Refusal {
  category: string;
  name: string;
  route: string;
  request: (fx: HostileFixture) => R;
}

type BodyCase = AimedCase;

function bodyCase(route: PublicRoute, kind: BodyKind): BodyCase {
  return {
    category: kind.category ?? "malformed JSON",
    name: `${kind.name} on ${routeName(route)}`,
    route: routeName(route),
    status: kind.status,
    code: kind.code,
    ...(kind.detail === undefined ? {} : { detail: kind.detail }),
    request: ({ alpha }) => ({
      method: route.method,
      path: pathOf(route.path, alpha),
      key: callerKey(route, alpha),
      ...kind.request(route.body?.(alpha) ?? {}),
    }),
  };
}

/** Every body route × the parser kinds, the uncovered ones × the edge kinds, and the bodyless ones × a few. */
export function bodyCases(): BodyCase[] {
  const withBody = PUBLIC_ROUTES.filter((r) => r.body !== undefined);
  const bodyless = PUBLIC_ROUTES.filter((r) => BODYLESS_PARSED.has(routeName(r)));
  const bodylessKinds = EDGE_KINDS.filter((k) =>
    [
      "a body over the size limit",
      "JSON 200,000 levels deep",
      "a __proto__ key at the top",
      "Content-Type text/plain",
    ].includes(k.name),
  );
  return [
    ...withBody.flatMap((route) => PARSER_KINDS.map((kind) => bodyCase(route, kind))),
    ...withBody
      .filter((route) => !COVERED.has(routeName(route)))
      .flatMap((route) => EDGE_KINDS.map((kind) => bodyCase(route, kind))),
    ...bodyless.flatMap((route) => [...bodylessKinds, PARSER_KINDS[0]!].map((kind) => bodyCase(route, kind))),
  ];
}

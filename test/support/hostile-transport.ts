import type { HostileFixture } from "./hostile-fixture.js";
import type { HostileRequest } from "./hostile-http.js";
import type { AimedCase, Refusal } from "./hostile-bodies.js";
import { alphaCall } from "./hostile-fields.js";

type TransportCase = AimedCase<HostileRequest>;

const INVALID = "SB_ERR_VALIDATION";
const NOT_FOUND = "SB_ERR_NOT_FOUND";

type PathSpec = [route: string, name: string, path: string, status: number, code: string, detail: string];

/** Odd values in path parameters: traversal, NUL, overlong, non-ASCII, numbers that are not. `{…}` are alpha's ids. */
const PATHS: PathSpec[] = [
  [
    "GET /v1/orgs/{org}/plans/{planId}",
    "a traversal as plan id",
    "/plans/..%2f..%2fetc%2fpasswd",
    400,
    INVALID,
    'params/planId must match format "uuid"',
  ],
  ["GET /v1/orgs/{org}/plans/{planId}", "a NUL in the plan id", "/plans/%00", 400, INVALID, "params/planId"],
  [
    "GET /v1/orgs/{org}/form-assignments/{id}",
    "a traversal as assignment id",
    "/form-assignments/..%2f..%2f",
    400,
    INVALID,
    'params/id must match format "uuid"',
  ],
  [
    "GET /v1/orgs/{org}/work-queue-items/{id}",
    "a non-ASCII item id",
    "/work-queue-items/%E2%98%83",
    400,
    INVALID,
    'params/id must match format "uuid"',
  ],
  [
    "GET /v1/orgs/{org}/work-queues/{queue}",
    "a traversal as queue",
    "/work-queues/..%2f..%2fhealthz",
    400,
    INVALID,
    "params/queue must match pattern",
  ],
  [
    "GET /v1/orgs/{org}/work-queues/{queue}",
    "a 101-character queue",
    `/work-queues/${"q".repeat(101)}`,
    400,
    INVALID,
    "params/queue must NOT have more than 100 characters",
  ],
  [
    "GET /v1/orgs/{org}/plan-templates/{name}",
    "a traversal as template name",
    "/plan-templates/..%2f..%2fhealthz",
    404,
    NOT_FOUND,
    'plan template "../../healthz" does not exist',
  ],
  [
    "GET /v1/orgs/{org}/plan-templates/{name}",
    "a NUL in the template name",
    "/plan-templates/care%00",
    400,
    INVALID,
    "params/name must not contain U+0000",
  ],
  [
    "GET /v1/orgs/{org}/plan-templates/{name}",
    "an emoji template name",
    "/plan-templates/%F0%9F%98%80",
    404,
    NOT_FOUND,
    "does not exist",
  ],
  [
    "DELETE /v1/orgs/{org}/api-keys/{id}",
    "a traversal as key id",
    "/api-keys/..%2f..%2fapi-keys",
    404,
    NOT_FOUND,
    "does not exist",
  ],
  [
    "GET /v1/orgs/{org}/inbound-events/{name}",
    "a traversal as event name",
    "/inbound-events/..%2f..%2fplans",
    404,
    NOT_FOUND,
    'inbound event "../../plans" is not declared',
  ],
  [
    "DELETE /v1/orgs/{org}/inbound-events/{name}",
    "a subject wildcard as event name",
    "/inbound-events/probe.%3E",
    404,
    NOT_FOUND,
    'inbound event "probe.>" is not declared',
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a subject wildcard as event name",
    "/inbound/probe.*",
    400,
    "SB_ERR_INVALID_NAME",
    'inbound event name "probe.*"',
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "an empty subject token",
    "/inbound/probe..ev",
    400,
    "SB_ERR_INVALID_NAME",
    "joined by single dots",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a traversal as event name",
    "/inbound/..%2f..%2fhealthz",
    400,
    "SB_ERR_INVALID_NAME",
    "inbound event name",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a 129-character name",
    `/inbound/${"n".repeat(129)}`,
    400,
    INVALID,
    "params/name must NOT have more than 128 characters",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}",
    "a traversal as rule id",
    "/rules/..%2f..%2fhealthz",
    404,
    NOT_FOUND,
    "rule ../../healthz does not exist",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}",
    "a NUL in the rule id",
    "/rules/r%00",
    400,
    INVALID,
    "params/ruleId must not contain U+0000",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}/versions/{version}",
    "version 0",
    "/rules/{rule}/versions/0",
    400,
    INVALID,
    "params/version must be >= 1",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}/versions/{version}",
    "version 1e3",
    "/rules/{rule}/versions/1e3",
    400,
    INVALID,
    "params/version must be integer",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}/versions/{version}",
    "version 0x10",
    "/rules/{rule}/versions/0x10",
    400,
    INVALID,
    "params/version must be integer",
  ],
  [
    "GET /v1/orgs/{org}/rules/{ruleId}/versions",
    "a limit given twice",
    "/rules/{rule}/versions?limit=1&limit=2",
    400,
    INVALID,
    "querystring/limit must be integer",
  ],
  [
    "GET /v1/orgs/{org}/webhooks/{id}",
    "a 65-character webhook id",
    `/webhooks/${"w".repeat(65)}`,
    400,
    INVALID,
    "params/id must NOT have more than 64 characters",
  ],
  [
    "GET /v1/orgs/{org}/webhooks/{id}",
    "a traversal as webhook id",
    "/webhooks/..%2f..%2fwebhooks",
    404,
    NOT_FOUND,
    "does not exist",
  ],
  [
    "GET /v1/orgs/{org}/webhooks/{id}/deliveries",
    "a cursor past 2^63",
    "/webhooks/{webhook}/deliveries?before=99999999999999999999",
    400,
    INVALID,
    "querystring/before must be <= 9007199254740991",
  ],
  [
    "GET /v1/orgs/{org}/rule-runs",
    "a cursor at 2^63 - 1",
    "/rule-runs?before=9223372036854775807",
    400,
    INVALID,
    "querystring/before must be <= 9007199254740991",
  ],
  [
    "GET /v1/orgs/{org}/rule-runs",
    "a NUL in the rule id filter",
    "/rule-runs?ruleId=%00",
    400,
    INVALID,
    "query/ruleId must not contain U+0000",
  ],
  [
    "GET /v1/orgs/{org}/dead-letters/{id}",
    "a traversal as dead-letter id",
    "/dead-letters/..%2f..%2f",
    400,
    INVALID,
    "params/id must be integer",
  ],
  [
    "GET /v1/orgs/{org}/dead-letters/{id}",
    "a dead-letter id past 2^53",
    "/dead-letters/9007199254740992",
    400,
    INVALID,
    "params/id must be <= 9007199254740991",
  ],
  [
    "POST /v1/orgs/{org}/dead-letters/{id}/retry",
    "a negative dead-letter id",
    "/dead-letters/-1/retry",
    400,
    INVALID,
    "params/id must be >= 1",
  ],
  [
    "GET /v1/orgs/{org}/dead-letters",
    "a stage with a subject wildcard",
    "/dead-letters?stage=*",
    400,
    INVALID,
    "querystring/stage must match pattern",
  ],
  [
    "GET /v1/orgs/{org}/dead-letters/{id}",
    "a path segment of 1,001 characters",
    `/dead-letters/${"9".repeat(1001)}`,
    400,
    INVALID,
    "longer than 1000 characters",
  ],
  [
    "GET /v1/orgs/{org}/events",
    "a subject wildcard as type",
    "/events?types=%3E",
    400,
    "SB_ERR_INVALID_NAME",
    'event type ">" is invalid',
  ],
  [
    "GET /v1/orgs/{org}/events",
    "a cursor that is a bare stream position",
    "/events?after=9007199254740991",
    400,
    INVALID,
    "querystring/after must match pattern",
  ],
  [
    "GET /v1/orgs/{org}/events",
    "a wait of an hour",
    "/events?waitMs=3600000",
    400,
    INVALID,
    "querystring/waitMs must be <= 30000",
  ],
  [
    "GET /v1/orgs/{org}/plans",
    "a __proto__ query parameter",
    "/plans?__proto__[isAdmin]=1",
    400,
    INVALID,
    "is not allowed (unknown property)",
  ],
  [
    "GET /v1/orgs/{org}/plans",
    "a constructor query parameter",
    "/plans?constructor=1",
    400,
    INVALID,
    "querystring/constructor is not allowed",
  ],
  [
    "GET /v1/orgs/{org}/work-queue-items",
    "a NUL in the status filter",
    "/work-queue-items?status=%00",
    400,
    INVALID,
    "query/status must not contain U+0000",
  ],
  [
    "GET /v1/orgs/{org}/form-assignments",
    "a plan id filter that is not a UUID",
    "/form-assignments?planId=..%2f",
    400,
    INVALID,
    'querystring/planId must match format "uuid"',
  ],
  [
    "DELETE /v1/orgs/{org}/api-keys/{id}",
    "a lone surrogate in the path",
    "/api-keys/%ED%A0%80",
    400,
    INVALID,
    "does not decode to UTF-8",
  ],
];

const KEYS: Record<string, "cm" | "app" | "viewer" | "admin" | "integration"> = {
  "api-keys": "admin",
  inbound: "integration",
  events: "integration",
  "dead-letters": "integration",
  plans: "viewer",
  "form-assignments": "viewer",
  "work-queues": "viewer",
  "work-queue-items": "viewer",
  "plan-templates": "viewer",
};

function pathCases(): TransportCase[] {
  return PATHS.map(([route, name, path, status, code, detail]) => {
    const area = Object.keys(KEYS).find((k) => new RegExp(`^/${k}[/?]`).test(path));
    const method = route.split(" ")[0]!;
    return {
      category: "path and query parameters",
      name: `${name} on ${route}`,
      route,
      status,
      code,
      detail,
      request: alphaCall(area === undefined ? "cm" : KEYS[area]!, method, (a) =>
        path.replace("{rule}", a.ruleId).replace("{webhook}", a.webhookId),
      ),
    };
  });
}

/** A request written byte by byte, `Connection: close`, ending the header block. */
const rawRequest = (requestLine: string, headers: string[], body = "") =>
  [requestLine, "Host: switchboard.test", ...headers, "Connection: close", "", body].join("\r\n");

const NOT_HTTP = { status: 400, code: INVALID, detail: "not valid HTTP/1.1" } as const;
const TOO_LARGE = {
  status: 431,
  code: INVALID,
  detail: "headers are larger than the server accepts",
} as const;

type RawSpec = [route: string, name: string, refusal: Refusal, raw: (fx: HostileFixture) => string];

const post = (path: string, key: string, extra: string[], body = '{"note":"go"}') =>
  rawRequest(
    `POST ${path} HTTP/1.1`,
    [
      `Authorization: Bearer ${key}`,
      "Content-Type: application/json",
      `Content-Length: ${body.length}`,
      ...extra,
    ],
    body,
  );

/** Header injection and broken framing, sent raw: no HTTP client lets these through. */
const RAW: RawSpec[] = [
  [
    "GET /v1/orgs/{org}",
    "an HTTP/1.1 request without Host",
    { status: 400, code: INVALID, detail: "an HTTP/1.1 request needs a Host header" },
    ({ alpha }) => `GET /v1/orgs/${alpha.org} HTTP/1.1\r\nConnection: close\r\n\r\n`,
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a CR inside Idempotency-Key",
    NOT_HTTP,
    ({ alpha }) =>
      post(`/v1/orgs/${alpha.org}/inbound/${alpha.inboundName}`, alpha.integrationKey, [
        "Idempotency-Key: abc\rX-Injected: 1",
      ]),
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "an LF inside Idempotency-Key",
    NOT_HTTP,
    ({ alpha }) =>
      post(`/v1/orgs/${alpha.org}/inbound/${alpha.inboundName}`, alpha.integrationKey, [
        "Idempotency-Key: abc\nX-Injected: 1",
      ]),
  ],
  [
    "POST /v1/orgs/{org}/plans",
    "an LF inside Idempotency-Key",
    NOT_HTTP,
    ({ alpha }) =>
      post(
        `/v1/orgs/${alpha.org}/plans`,
        alpha.keys.app,
        ["Idempotency-Key: p-1\nIdempotency-Key: p-2"],
        JSON.stringify({ templateName: alpha.template, userId: "raw" }),
      ),
  ],
  [
    "GET /v1/orgs/{org}/plans",
    "a CR/LF-injected header in Authorization",
    NOT_HTTP,
    ({ alpha }) =>
      rawRequest(`GET /v1/orgs/${alpha.org}/plans HTTP/1.1`, [
        `Authorization: Bearer ${alpha.keys.viewer}\rX-Org: beta`,
      ]),
  ],
  [
    "GET /v1/orgs/{org}/plans",
    "an obs-fold continuation of Authorization",
    NOT_HTTP,
    ({ alpha }) =>
      rawRequest(`GET /v1/orgs/${alpha.org}/plans HTTP/1.1`, [
        "Authorization: Bearer",
        ` ${alpha.keys.viewer}`,
      ]),
  ],
  [
    "POST /v1/orgs/{org}/webhooks",
    "a NUL in Switchboard-Trace-Id",
    NOT_HTTP,
    ({ alpha }) => post(`/v1/orgs/${alpha.org}/webhooks`, alpha.keys.cm, ["Switchboard-Trace-Id: t\u0000x"]),
  ],
  [
    "POST /v1/orgs/{org}/plans",
    "two different Content-Lengths",
    NOT_HTTP,
    ({ alpha }) => post(`/v1/orgs/${alpha.org}/plans`, alpha.keys.app, ["Content-Length: 3"]),
  ],
  [
    "POST /v1/orgs/{org}/webhooks",
    "Content-Length and chunked Transfer-Encoding together",
    NOT_HTTP,
    ({ alpha }) =>
      post(`/v1/orgs/${alpha.org}/webhooks`, alpha.keys.cm, ["Transfer-Encoding: chunked"], "0\r\n\r\n"),
  ],
  [
    "PUT /v1/orgs/{org}/rules/{ruleId}",
    "a Content-Length that is not a number",
    NOT_HTTP,
    ({ alpha }) =>
      rawRequest(
        `PUT /v1/orgs/${alpha.org}/rules/${alpha.ruleId} HTTP/1.1`,
        [`Authorization: Bearer ${alpha.keys.cm}`, "Content-Type: application/json", "Content-Length: 12abc"],
        "{}",
      ),
  ],
  [
    "GET /v1/orgs/{org}",
    "a space in the request target",
    NOT_HTTP,
    () => rawRequest("GET /v1/orgs/al pha HTTP/1.1", []),
  ],
  ["GET /healthz", "an unknown HTTP version", NOT_HTTP, () => rawRequest("GET /healthz HTTP/9.9", [])],
  [
    "GET /healthz",
    "a CR inside a header value",
    NOT_HTTP,
    () => rawRequest("GET /healthz HTTP/1.1", ["X-Probe: a\rb"]),
  ],
  [
    "GET /readyz",
    "bare LF line endings",
    NOT_HTTP,
    () => "GET /readyz HTTP/1.1\nHost: switchboard.test\nConnection: close\n\n",
  ],
  [
    "GET /metrics",
    "a TLS handshake sent as plain HTTP",
    NOT_HTTP,
    () => "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n",
  ],
  [
    "GET /healthz",
    "a 17 KB header",
    TOO_LARGE,
    () => rawRequest("GET /healthz HTTP/1.1", [`X-Padding: ${"p".repeat(17 * 1024)}`]),
  ],
  [
    "GET /readyz",
    "2,000 small headers",
    TOO_LARGE,
    () =>
      rawRequest(
        "GET /readyz HTTP/1.1",
        Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`),
      ),
  ],
  [
    "GET /metrics",
    "a 17 KB Authorization header",
    TOO_LARGE,
    () => rawRequest("GET /metrics HTTP/1.1", [`Authorization: Bearer ${"k".repeat(17 * 1024)}`]),
  ],
  [
    "GET /v1/orgs",
    "a 17 KB request target",
    TOO_LARGE,
    () => rawRequest(`GET /v1/orgs?${"q".repeat(17 * 1024)} HTTP/1.1`, []),
  ],
];

type HeaderSpec = [route: string, name: string, headers: Record<string, string>, detail: string];

/** Header values an HTTP client does send, that the API must refuse by name. */
const HEADERS: HeaderSpec[] = [
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "an Idempotency-Key with spaces",
    { "idempotency-key": "a b" },
    "header idempotency-key must be 1-200 printable ASCII",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a 201-character Idempotency-Key",
    { "idempotency-key": "k".repeat(201) },
    "header idempotency-key must be 1-200 printable ASCII",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a Latin-1 Idempotency-Key",
    { "idempotency-key": "clé" },
    "header idempotency-key must be 1-200 printable ASCII",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a tab in Switchboard-Trace-Id",
    { "switchboard-trace-id": "a\tb" },
    "header switchboard-trace-id",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a CloudEvent id with a tab",
    { "ce-specversion": "1.0", "ce-id": "a\tb", "ce-type": "t", "ce-source": "s" },
    "headers/ce-id",
  ],
  [
    "POST /v1/orgs/{org}/inbound/{name}",
    "a CloudEvent missing its headers",
    { "ce-specversion": "1.0" },
    "missing: ce-id, ce-source, ce-type",
  ],
];

function headerCases(): TransportCase[] {
  return HEADERS.map(([route, name, headers, detail]) => ({
    category: "header values",
    name: `${name} on ${route}`,
    route,
    status: 400,
    code: INVALID,
    detail,
    request: alphaCall(
      "integration",
      "POST",
      (a) => `/inbound/${a.inboundName}`,
      () => ({ note: "go" }),
      headers,
    ),
  }));
}

export function transportCases(): TransportCase[] {
  return [
    ...pathCases(),
    ...RAW.map(([route, name, refusal, raw]) => ({
      category: "raw HTTP: header injection, oversize headers, framing",
      name: `${name} on ${route} (raw)`,
      route,
      ...refusal,
      request: (fx: HostileFixture) => ({ raw: raw(fx) }),
    })),
    ...headerCases(),
  ];
}

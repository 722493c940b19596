import type { HostileFixture, HostileOrg } from "./hostile-fixture.js";
import type { FetchRequest } from "./hostile-http.js";
import type { AimedCase } from "./hostile-bodies.js";

/** A case aimed at one route, with the request it sends. */
export type RouteCase = AimedCase;

const INVALID = "SB_ERR_VALIDATION";

/** A request as alpha's key of `kind` sends it, with a JSON body (a string is sent as it is). */
export function alphaCall(
  kind: "cm" | "app" | "viewer" | "admin" | "integration",
  method: string,
  path: (a: HostileOrg) => string,
  body?: (a: HostileOrg) => unknown,
  headers?: Record<string, string>,
): (fx: HostileFixture) => FetchRequest {
  return ({ alpha }) => {
    const value = body?.(alpha);
    return {
      method,
      path: `/v1/orgs/${alpha.org}${path(alpha)}`,
      key: kind === "integration" ? alpha.integrationKey : alpha.keys[kind],
      ...(value === undefined ? {} : { body: typeof value === "string" ? value : JSON.stringify(value) }),
      ...(headers === undefined ? {} : { headers }),
    };
  };
}

type Spec = [name: string, body: (a: HostileOrg) => unknown, status: number, code: string, detail: string];

/** Cases of one route from a compact table: name, body, status, code, detail. */
function table(
  route: string,
  kind: Parameters<typeof alphaCall>[0],
  path: (a: HostileOrg) => string,
  specs: Spec[],
) {
  const method = route.split(" ")[0]!;
  return specs.map(([name, body, status, code, detail]): RouteCase => ({
    category: "wrong types, missing and extra fields, sizes",
    name: `${name} on ${route}`,
    route,
    status,
    code,
    detail,
    request: alphaCall(kind, method, path, body),
  }));
}

/**
 * Wrong types, missing and extra fields, sizes past each bound, per route that bad-input does not
 * cover. Duplicate keys: JSON.parse keeps the last, which is what gets validated, so a valid first
 * value cannot smuggle a wrong one through.
 */
export const fieldCases = (): RouteCase[] => [
  ...table("PUT /v1/orgs/{org}/inbound-events/{name}", "cm", () => "/inbound-events/probe.fields", [
    [
      "description of the wrong type",
      () => ({ description: 42, schema: {} }),
      400,
      INVALID,
      "body/description must be string",
    ],
    ["no schema", () => ({ description: "d" }), 400, INVALID, "body/schema is required"],
    [
      "an extra field",
      () => ({ description: "d", schema: {}, owner: "x" }),
      400,
      INVALID,
      "body/owner is not allowed",
    ],
    [
      "a prototype field",
      () => ({ description: "d", schema: {}, prototype: {} }),
      400,
      INVALID,
      "body/prototype is not allowed",
    ],
    [
      "a 2,001-character description",
      () => ({ description: "d".repeat(2001), schema: {} }),
      400,
      INVALID,
      "body/description must NOT have more than 2000 characters",
    ],
    [
      "a schema that is an array",
      () => ({ description: "d", schema: [] }),
      400,
      INVALID,
      "body/schema must be object",
    ],
    [
      "duplicate keys, the last of the wrong type",
      () => '{"description":"d","schema":{},"description":7}',
      400,
      INVALID,
      "body/description must be string",
    ],
  ]),
  ...table("PATCH /v1/orgs/{org}/rules/{ruleId}", "cm", (a) => `/rules/${a.ruleId}`, [
    ["enabled as a string", () => ({ enabled: "true" }), 400, INVALID, "body/enabled must be boolean"],
    ["no enabled", () => ({}), 400, INVALID, "body/enabled is required"],
    ["an extra field", () => ({ enabled: true, version: 2 }), 400, INVALID, "body/version is not allowed"],
    [
      "duplicate keys, the last of the wrong type",
      () => '{"enabled":true,"enabled":"yes"}',
      400,
      INVALID,
      "body/enabled must be boolean",
    ],
  ]),
  ...table("POST /v1/orgs/{org}/rules/{ruleId}/activate", "cm", (a) => `/rules/${a.ruleId}/activate`, [
    ["version as a string", () => ({ version: "1" }), 400, INVALID, "body/version must be integer"],
    ["version 1.5", () => ({ version: 1.5 }), 400, INVALID, "body/version must be integer"],
    ["version 0", () => ({ version: 0 }), 400, INVALID, "body/version must be >= 1"],
    ["version 1e400", () => '{"version":1e400}', 400, INVALID, "body/version must be integer"],
    ["version past 2^31", () => ({ version: 2 ** 31 }), 400, INVALID, "body/version must be <= 2147483647"],
    ["no version", () => ({}), 400, INVALID, "body/version is required"],
    ["a version that does not exist", () => ({ version: 99 }), 404, "SB_ERR_NOT_FOUND", "has no version 99"],
  ]),
  ...table("POST /v1/orgs/{org}/rules/dry-run", "cm", () => "/rules/dry-run", [
    [
      "neither rule nor ruleId",
      () => ({ payload: {} }),
      400,
      INVALID,
      "give either rule (a draft) or ruleId",
    ],
    [
      "ruleId of the wrong type",
      () => ({ ruleId: 42, payload: {} }),
      400,
      INVALID,
      "body/ruleId must be string",
    ],
    [
      "recent over 100",
      (a) => ({ ruleId: a.ruleId, recent: 101 }),
      400,
      INVALID,
      "body/recent must be <= 100",
    ],
    [
      "both payload and recent",
      (a) => ({ ruleId: a.ruleId, payload: {}, recent: 1 }),
      400,
      INVALID,
      "give either payload or recent",
    ],
    [
      "a prototype field",
      (a) => ({ ruleId: a.ruleId, payload: {}, prototype: 1 }),
      400,
      INVALID,
      "body/prototype is not allowed",
    ],
    [
      "a rule id that does not exist",
      () => ({ ruleId: "no-such-rule", payload: {} }),
      404,
      "SB_ERR_NOT_FOUND",
      "rule no-such-rule does not exist",
    ],
  ]),
  ...table("POST /v1/orgs/{org}/webhooks", "cm", () => "/webhooks", [
    [
      "eventTypes as a string",
      () => ({ url: "https://a.invalid/", eventTypes: "formSubmitted" }),
      400,
      INVALID,
      "body/eventTypes must be array",
    ],
    ["no url", () => ({ eventTypes: ["formSubmitted"] }), 400, INVALID, "body/url is required"],
    [
      "a prototype field",
      () => ({ url: "https://a.invalid/", eventTypes: ["formSubmitted"], prototype: 1 }),
      400,
      INVALID,
      "body/prototype is not allowed",
    ],
    [
      "51 event types",
      () => ({ url: "https://a.invalid/", eventTypes: Array(51).fill("formSubmitted") }),
      400,
      INVALID,
      "body/eventTypes must NOT have more than 50 items",
    ],
    [
      "201 mapping targets",
      () => ({
        url: "https://a.invalid/",
        eventTypes: ["formSubmitted"],
        mapping: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i])),
      }),
      400,
      INVALID,
      "body/mapping must NOT have more than 200 properties",
    ],
    [
      "a 3,000-character URL",
      () => ({ url: `https://${"a".repeat(3000)}.invalid/`, eventTypes: ["formSubmitted"] }),
      400,
      INVALID,
      "body/url must NOT have more than 2048 characters",
    ],
    [
      "a retry schedule of 100,000 delays",
      () => ({
        url: "https://a.invalid/",
        eventTypes: ["formSubmitted"],
        retrySchedule: Array(100_000).fill(0),
      }),
      400,
      INVALID,
      "1 to 50 delays",
    ],
    [
      "a negative retry delay",
      () => ({ url: "https://a.invalid/", eventTypes: ["formSubmitted"], retrySchedule: [-1] }),
      400,
      INVALID,
      "must be whole milliseconds",
    ],
    [
      "timeoutMs of a day",
      () => ({ url: "https://a.invalid/", eventTypes: ["formSubmitted"], timeoutMs: 86_400_000 }),
      400,
      INVALID,
      "body/timeoutMs must be <= 30000",
    ],
    [
      "an event type that is a subject wildcard",
      () => ({ url: "https://a.invalid/", eventTypes: [">"] }),
      400,
      INVALID,
      'eventTypes/0: event type ">" is invalid',
    ],
  ]),
  ...table("PATCH /v1/orgs/{org}/webhooks/{id}", "cm", (a) => `/webhooks/${a.webhookId}`, [
    ["an empty patch", () => ({}), 400, INVALID, "body must NOT have fewer than 1 properties"],
    ["enabled as a string", () => ({ enabled: "yes" }), 400, INVALID, "body/enabled must be boolean"],
    ["an extra field", () => ({ secret: "whsec_x" }), 400, INVALID, "body/secret is not allowed"],
  ]),
  ...table(
    "POST /v1/orgs/{org}/webhooks/{id}/rotate-secret",
    "cm",
    (a) => `/webhooks/${a.webhookId}/rotate-secret`,
    [
      [
        "a negative grace period",
        () => ({ previousSecretTtlSeconds: -1 }),
        400,
        INVALID,
        "body/previousSecretTtlSeconds must be >= 0",
      ],
      [
        "a grace period as a string",
        () => ({ previousSecretTtlSeconds: "60" }),
        400,
        INVALID,
        "body/previousSecretTtlSeconds must be integer",
      ],
      ["a body that is an array", () => [], 400, INVALID, "body must be object,null"],
      ["a chosen secret", () => ({ secret: "whsec_mine" }), 400, INVALID, "body/secret is not allowed"],
    ],
  ),
  ...table(
    "POST /v1/orgs/{org}/webhooks/{id}/test-mapping",
    "cm",
    (a) => `/webhooks/${a.webhookId}/test-mapping`,
    [
      ["an event that is an array", () => ({ event: [] }), 400, INVALID, "body/event must be object"],
      ["no event", () => ({}), 400, INVALID, "body/event is required"],
      [
        "an event of no type",
        () => ({ event: { info: { prototype: {} } } }),
        400,
        INVALID,
        "must be a system event object",
      ],
    ],
  ),
  ...table("POST /v1/orgs/{org}/webhooks/{id}/replay", "cm", (a) => `/webhooks/${a.webhookId}/replay`, [
    ["nothing to replay", () => ({}), 400, INVALID, "give messageId, or since"],
    [
      "since that is not a time",
      () => ({ since: "yesterday" }),
      400,
      INVALID,
      "since must be an ISO-8601 time",
    ],
    [
      "since past the year 275760",
      () => ({ since: "+275760-09-13T00:00:00.001Z" }),
      400,
      INVALID,
      "since must be an ISO-8601 time",
    ],
    [
      "until before since",
      () => ({ since: "2026-01-02T00:00:00Z", until: "2026-01-01T00:00:00Z" }),
      400,
      INVALID,
      "until must be later than since",
    ],
    [
      "a 201-character message id",
      () => ({ messageId: "m".repeat(201) }),
      400,
      INVALID,
      "body/messageId must NOT have more than 200 characters",
    ],
    [
      "both messageId and since",
      () => ({ messageId: "m", since: "2026-01-01T00:00:00Z" }),
      400,
      INVALID,
      "not both",
    ],
  ]),
  ...table("POST /v1/orgs/{org}/inbound/{name}", "integration", (a) => `/inbound/${a.inboundName}`, [
    ["a payload that breaks the declared schema", () => ({ note: 7 }), 422, INVALID, "/note must be string"],
    [
      "a 101-character note",
      () => ({ note: "n".repeat(101) }),
      422,
      INVALID,
      "/note must NOT have more than 100 characters",
    ],
    ["a payload that is an array", () => [1, 2], 422, INVALID, "/ must be object"],
    [
      "a tags array of 100,000 numbers",
      () => ({ tags: Array(100_000).fill(1) }),
      422,
      INVALID,
      "must be string",
    ],
    [
      "duplicate keys, the last of the wrong type",
      () => '{"note":"ok","note":false}',
      422,
      INVALID,
      "/note must be string",
    ],
  ]),
  ...table("POST /v1/orgs/{org}/dead-letters/retry", "integration", () => "/dead-letters/retry", [
    ["no ids and no status", () => ({}), 400, INVALID, 'give either "ids"'],
    ["an empty id list", () => ({ ids: [] }), 400, INVALID, "body/ids must NOT have fewer than 1 items"],
    [
      "101 ids",
      () => ({ ids: Array.from({ length: 101 }, (_, i) => i + 1) }),
      400,
      INVALID,
      "body/ids must NOT have more than 100 items",
    ],
    ["ids as strings", () => ({ ids: ["1"] }), 400, INVALID, "body/ids/0 must be integer"],
    [
      "an id past 2^53",
      () => '{"ids":[9007199254740993]}',
      400,
      INVALID,
      "body/ids/0 must be <= 9007199254740991",
    ],
    [
      "a stage that is a subject wildcard",
      () => ({ status: "open", stage: ">" }),
      400,
      INVALID,
      "body/stage must match pattern",
    ],
    [
      "status closed",
      () => ({ status: "closed" }),
      400,
      INVALID,
      "body/status must be equal to one of the allowed values",
    ],
  ]),
  ...table(
    "POST /v1/orgs/{org}/dead-letters/{id}/resolve",
    "integration",
    (a) => `/dead-letters/${a.deadLetterId}/resolve`,
    [
      ["a blank comment", () => ({ comment: "   " }), 400, INVALID, "body/comment must match pattern"],
      [
        "a 2,001-character comment",
        () => ({ comment: "c".repeat(2001) }),
        400,
        INVALID,
        "body/comment must NOT have more than 2000 characters",
      ],
      ["no comment", () => ({}), 400, INVALID, "body/comment is required"],
      ["a comment with a NUL", () => ({ comment: "ok\u0000" }), 400, INVALID, "must not contain U+0000"],
    ],
  ),
];

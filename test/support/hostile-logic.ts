import { PLATFORM_EVENT_TYPES } from "@switchboard/rules";
import type { HostileOrg } from "./hostile-fixture.js";
import { alphaCall, type RouteCase } from "./hostile-fields.js";

const INVALID = "SB_ERR_VALIDATION";
const RULE_ROUTE = "PUT /v1/orgs/{org}/rules/{ruleId}";
const DRY_RUN = "POST /v1/orgs/{org}/rules/dry-run";
const WEBHOOKS = "POST /v1/orgs/{org}/webhooks";
const DEFINITION = "PUT /v1/orgs/{org}/inbound-events/{name}";

/** A valid rule on alpha's probe event, with `change` applied. */
const ruleOf = (a: HostileOrg, change: Record<string, unknown> = {}) => ({
  id: "hostile-rule",
  on: { inbound: a.inboundName },
  when: { "==": [{ var: "note" }, "go"] },
  actions: [{ emit: { eventType: "probeSeen", info: {} } }],
  ...change,
});

type RuleSpec = [name: string, change: (a: HostileOrg) => Record<string, unknown>, detail: string];

const RULES: RuleSpec[] = [
  ["an unknown operator", () => ({ when: { frob: [1] } }), 'unknown operator "frob"'],
  ["an operator named prototype", () => ({ when: { prototype: [1] } }), 'unknown operator "prototype"'],
  ["an operator named toString", () => ({ when: { toString: [] } }), 'unknown operator "toString"'],
  [
    "a var path not in the schema",
    () => ({ when: { var: "patient.name" } }),
    'var "patient.name" is not in the schema',
  ],
  [
    "a var path through __proto__",
    () => ({ when: { var: "__proto__.polluted" } }),
    'unsafe var path "__proto__.polluted"',
  ],
  [
    "a var path through constructor",
    () => ({ when: { var: "note.constructor" } }),
    '"constructor" reaches JavaScript internals',
  ],
  [
    "a var path through prototype",
    () => ({ when: { var: ["tags.prototype", 1] } }),
    '"prototype" reaches JavaScript internals',
  ],
  [
    "a trigger that is not declared",
    () => ({ on: { inbound: "never.declared" } }),
    "is not declared for this org",
  ],
  ["an unknown action", () => ({ actions: [{ deleteEverything: {} }] }), 'unknown action "deleteEverything"'],
  [
    "21 actions",
    () => ({ actions: Array(21).fill({ emit: { eventType: "probeSeen", info: {} } }) }),
    "must NOT have more than 20 items",
  ],
  [
    "an expression of 5,000 values",
    () => ({ when: { in: [{ var: "note" }, Array(5000).fill("x")] } }),
    "more than 2000 values",
  ],
  [
    "a 1,001-character description",
    () => ({ description: "d".repeat(1001) }),
    "must NOT have more than 1000 characters",
  ],
  [
    "an id that differs from the path",
    () => ({ id: "other-rule" }),
    'must equal the rule id in the path, "hostile-rule"',
  ],
  [
    "an emitted event type with a subject wildcard",
    () => ({ actions: [{ emit: { eventType: "probe.>", info: {} } }] }),
    "eventType must be a token",
  ],
  [
    "a var path in an action parameter through __proto__",
    () => ({ actions: [{ emit: { eventType: "probeSeen", info: { x: { var: "__proto__" } } } }] }),
    'unsafe var path "__proto__"',
  ],
  ...[...PLATFORM_EVENT_TYPES].map((type): RuleSpec => [
    `an emit of the platform's ${type}`,
    () => ({ actions: [{ emit: { eventType: type, info: {} } }] }),
    `eventType must not be "${type}"`,
  ]),
];

type SchemaSpec = [name: string, schema: unknown, detail: string, dedup?: unknown];

const SCHEMAS: SchemaSpec[] = [
  [
    "a $ref to the cloud metadata address",
    { $ref: "http://169.254.169.254/latest/meta-data" },
    "only local references",
  ],
  [
    "a $ref to a local file",
    { type: "object", properties: { a: { $ref: "file:///etc/passwd" } } },
    "only local references",
  ],
  [
    "a $dynamicRef to another document",
    { $dynamicRef: "https://example.com/s#meta" },
    "only local references",
  ],
  ["an unknown type", { type: "frog" }, "schema is invalid"],
  ["an unknown keyword", { type: "object", requiredd: ["a"] }, 'unknown keyword: "requiredd"'],
  [
    "a draft-04 meta-schema",
    { $schema: "http://json-schema.org/draft-04/schema#", type: "object" },
    "draft-04",
  ],
  ["a pattern that is not a regular expression", { type: "string", pattern: "(" }, "missing closing )"],
  [
    "a pattern with a lookahead (no linear-time engine runs one)",
    { type: "object", properties: { a: { type: "string", pattern: "^(?=a)a+$" } } },
    "is not supported",
  ],
  [
    "a backreference in patternProperties",
    { type: "object", patternProperties: { "^(\\w)\\1$": {} } },
    "is not supported",
  ],
  ["a negative minProperties", { type: "object", minProperties: -1 }, "minProperties must be >= 0"],
  ["a format on an object", { type: "object", format: "email" }, "strict mode"],
  ["a dedup mode that does not exist", { type: "object" }, "dedup mode must be one of", { mode: "forever" }],
  [
    "a dedup key through prototype",
    { type: "object", properties: { prototype: { type: "string" } } },
    'unsafe var path "prototype"',
    { mode: "key", key: { var: "prototype" } },
  ],
  [
    "a dedup key with an unknown operator",
    { type: "object" },
    'unknown operator "sha1"',
    { mode: "key", key: { sha1: [{ var: "a" }] } },
  ],
];

type HookSpec = [name: string, change: Record<string, unknown>, detail: string];

const MAPPINGS: HookSpec[] = [
  [
    "a mapping target through prototype",
    { mapping: { "prototype.polluted": 1 } },
    'may not contain the segment "prototype"',
  ],
  [
    "a mapping target ending in prototype",
    { mapping: { "patient.prototype": 1 } },
    'may not contain the segment "prototype"',
  ],
  [
    "a mapping value reading __proto__",
    { mapping: { x: { var: "__proto__" } } },
    'unsafe var path "__proto__"',
  ],
  [
    "a mapping value reading constructor",
    { mapping: { x: { var: "info.constructor.name" } } },
    '"constructor" reaches JavaScript internals',
  ],
  ["a mapping with an unknown operator", { mapping: { x: { eval: ["1"] } } }, 'unknown operator "eval"'],
  ["mapping targets that overlap", { mapping: { a: 1, "a.b": 2 } }, "overlap"],
  ["a mapping target with an empty segment", { mapping: { "a..b": 1 } }, "empty segment"],
  ["a filter with an unknown operator", { filter: { frob: [] } }, 'unknown operator "frob"'],
  [
    "a filter reading prototype",
    { filter: { var: "info.prototype" } },
    '"prototype" reaches JavaScript internals',
  ],
];

const SSRF_URLS: [name: string, url: string, detail: string][] = [
  ["loopback", "http://127.0.0.1:8080/hook", "loopback address"],
  ["loopback at the end of 127/8", "http://127.255.255.254/", "loopback address"],
  ["cloud metadata", "http://169.254.169.254/latest/meta-data/", "link-local"],
  ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"],
  ["IPv6 loopback", "http://[::1]:9000/", "loopback address"],
  ["hex and short form 0x7f.1", "http://0x7f.1/", "loopback address"],
  ["decimal 2130706433", "http://2130706433/", "loopback address"],
  ["octal 017700000001", "http://017700000001/", "loopback address"],
  ["short form 127.1", "http://127.1/", "loopback address"],
  ["the unspecified 0.0.0.0", "http://0.0.0.0/", "unspecified address"],
  ["private 10/8", "http://10.1.2.3/", "private address"],
  ["private 192.168/16", "https://192.168.0.1/", "private address"],
  ["carrier-grade NAT", "http://100.64.0.1/", "carrier-grade NAT"],
  ["IPv6 link-local", "http://[fe80::1]/", "link-local"],
  ["IPv6 unique local", "http://[fd00::1]/", "unique local"],
  ["multicast", "http://224.0.0.1/", "multicast"],
  ["localhost, which resolves to loopback", "http://localhost:8080/hook", "localhost resolves to"],
  ["file:", "file:///etc/passwd", "must use http: or https:, not file:"],
  ["gopher:", "gopher://127.0.0.1:70/_", "must use http: or https:, not gopher:"],
  ["ftp:", "ftp://example.com/", "must use http: or https:, not ftp:"],
  ["javascript:", "javascript:alert(1)", "must use http: or https:, not javascript:"],
  ["credentials in the URL", "https://user:secret@example.com/", "must not contain credentials"],
  ["a relative URL", "//example.com/hook", "not a valid absolute URL"],
  ["a space in the host", "http://exa mple.com/", "not a valid absolute URL"],
];

/** Custom auth headers a subscription may ask the bridge to send: name, value, and what the refusal says. */
const CUSTOM_HEADERS: [name: string, header: string, value: string, detail: string][] = [
  ["CR/LF in its name", "X-A\r\nX-B", "v", "auth.name must not contain control characters"],
  ["CR/LF in its value", "X-Key", "v\r\nX-B: 1", "auth.value must not contain control characters"],
  ["a NUL in its value", "X-Key", "v\u0000w", "body/auth/value must not contain U+0000 (NUL)"],
  ["a space in its name", "X Key", "v", "auth.name must be an HTTP header name"],
  ["a colon in its name", "X-Key:", "v", "auth.name must be an HTTP header name"],
  ["named like the signature", "Webhook-Signature", "v1,forged", "the bridge sets that header itself"],
  ["named Host", "host", "internal", "the bridge sets that header itself"],
  ["named Transfer-Encoding", "Transfer-Encoding", "chunked", "the bridge sets that header itself"],
  ["a non-ASCII value", "X-Key", "clé", "auth.value must be printable ASCII"],
  ["a value with edge whitespace", "X-Key", " v ", "must not start or end with whitespace"],
  ["a 4,097-character value", "X-Key", "v".repeat(4097), "auth.value must be a string of 1 to 4096"],
];

const AUTH_HEADERS: HookSpec[] = [
  ...CUSTOM_HEADERS.map(([name, header, value, detail]): HookSpec => [
    `a custom auth header with ${name}`,
    { auth: { type: "header", name: header, value } },
    detail,
  ]),
  [
    "LF in a bearer token",
    { auth: { type: "bearer", token: "abc\ndef" } },
    "auth.token must not contain control",
  ],
  [
    "a colon in a basic username",
    { auth: { type: "basic", username: "a:b", password: "p" } },
    "must not contain ':'",
  ],
  ["an extra field in auth", { auth: { type: "bearer", token: "t", header: "X-Evil" } }, 'not "header"'],
];

const webhookBody = (change: Record<string, unknown>) => ({
  url: "https://receiver.invalid/hooks",
  eventTypes: ["formSubmitted"],
  ...change,
});

const refusal = (category: string, name: string, route: string, detail: string) => ({
  category,
  name: `${name} on ${route}`,
  route,
  status: 400,
  code: INVALID,
  detail,
});

/** A content manager's request of alpha's: one case per `[name, input, detail]` row. */
function cmCases<I>(
  category: string,
  route: string,
  path: (a: HostileOrg) => string,
  rows: readonly (readonly [string, I, string])[],
  body: (input: I, a: HostileOrg) => unknown,
): RouteCase[] {
  const method = route.split(" ")[0]!;
  return rows.map(([name, input, detail]) => ({
    ...refusal(category, name, route, detail),
    request: alphaCall("cm", method, path, (a) => body(input, a)),
  }));
}

const PATCH_WEBHOOK = "PATCH /v1/orgs/{org}/webhooks/{id}";
const webhookPath = (a: HostileOrg) => `/webhooks/${a.webhookId}`;

/** Rules, inbound schemas, mappings and filters, webhook URLs and webhook auth headers. */
export function logicCases(): RouteCase[] {
  const rules = RULES.map(([name, change, detail]) => [name, change, detail] as const);
  const schemas = SCHEMAS.map(([name, schema, detail, dedup]) => [name, { schema, dedup }, detail] as const);
  const urls = SSRF_URLS.map(([name, url, detail]) => [`a webhook URL: ${name}`, url, detail] as const);
  return [
    ...cmCases(
      "rules",
      RULE_ROUTE,
      () => "/rules/hostile-rule",
      rules,
      (change, a) => ruleOf(a, change(a)),
    ),
    ...cmCases(
      "rules",
      DRY_RUN,
      () => "/rules/dry-run",
      rules.slice(0, 4),
      (change, a) => ({
        rule: ruleOf(a, change(a)),
        payload: {},
      }),
    ),
    ...cmCases(
      "inbound schemas",
      DEFINITION,
      () => "/inbound-events/hostile.schema",
      schemas,
      (spec) => ({
        description: "hostile",
        schema: spec.schema,
        ...(spec.dedup === undefined ? {} : { dedup: spec.dedup }),
      }),
    ),
    ...cmCases("mappings and filters", WEBHOOKS, () => "/webhooks", MAPPINGS, webhookBody),
    ...cmCases("mappings and filters", PATCH_WEBHOOK, webhookPath, MAPPINGS.slice(0, 2), (change) => change),
    ...cmCases("webhook auth headers", WEBHOOKS, () => "/webhooks", AUTH_HEADERS, webhookBody),
    ...cmCases(
      "SSRF URLs",
      WEBHOOKS,
      () => "/webhooks",
      urls,
      (url) => webhookBody({ url }),
    ),
    ...cmCases("SSRF URLs", PATCH_WEBHOOK, webhookPath, urls.slice(0, 5), (url) => ({ url })),
  ];
}

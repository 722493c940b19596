import { expect } from "vitest";
import type { Problem, RawRequest } from "./problem.js";
import type { WriteRoute } from "./write-routes.js";

/** Arrays nested `depth` deep: `[[[…]]]`. */
export const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

/** A JSON object text with the valid body's members and `member` (raw JSON text) first. */
const withRawMember = (valid: Record<string, unknown>, member: string): string => {
  const rest = JSON.stringify(valid).slice(1);
  return `{${member}${rest === "}" ? "}" : `,${rest}`}`;
};

/** A JSON body of more than `bytes` bytes sent as a stream, so without Content-Length (chunked). */
function chunkedBodyOf(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"padding":"'));
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

export interface BodyCase {
  name: string;
  request: (route: WriteRoute) => RawRequest;
  status: number;
  code: string;
  detail: (route: WriteRoute) => string | RegExp;
  /** Checks of the `errors` member, for validation problems. */
  errors?: (route: WriteRoute, problem: Problem) => void;
}

const onlyError = (path: string, keyword: string) => (_route: WriteRoute, problem: Problem) => {
  expect(problem.errors).toHaveLength(1);
  expect(problem.errors?.[0]).toMatchObject({ path, keyword });
};

/**
 * Each way a request body can be wrong, for any write route: what is sent, and the problem that must
 * come back. `limits` are the stack's body size and JSON depth limits.
 */
export function bodyCases({
  bodyLimit: BODY_LIMIT,
  maxDepth: MAX_DEPTH,
}: {
  bodyLimit: number;
  maxDepth: number;
}): BodyCase[] {
  return [
    {
      name: "truncated JSON",
      request: (r) => ({ body: JSON.stringify(r.valid()).slice(0, -3) }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => "the request body is not valid JSON",
    },
    {
      name: "a trailing comma",
      request: (r) => ({ body: JSON.stringify(r.valid()).replace(/}$/, ",}") }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => "the request body is not valid JSON",
    },
    {
      name: "single-quoted strings",
      request: () => ({ body: "{'name':'x'}" }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => "the request body is not valid JSON",
    },
    {
      name: "an empty body declared as JSON",
      request: () => ({ body: "" }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => "the request body is empty",
    },
    {
      name: "no body at all",
      request: () => ({}),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: () => "body must be object",
    },
    ...(["[]", '"a string"', "42", "true", "null"] as const).map((json): BodyCase => ({
      name: `a body that is ${json} instead of an object`,
      request: () => ({ body: json }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: () => "body must be object",
      errors: onlyError("body", "type"),
    })),
    {
      name: "an unknown field",
      request: (r) => ({ body: JSON.stringify({ ...r.valid(), surprise: 1 }) }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: () => "body/surprise is not allowed (unknown property)",
      errors: onlyError("body/surprise", "additionalProperties"),
    },
    {
      name: "a field of the wrong type",
      request: (r) => ({ body: JSON.stringify({ ...r.valid(), [r.wrongType.field]: r.wrongType.value }) }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: (r) => r.wrongType.message,
      errors: (r, problem) => onlyError(`body/${r.wrongType.field}`, "type")(r, problem),
    },
    {
      name: "a missing required field",
      request: (r) => {
        const body = r.valid();
        delete body[r.required];
        return { body: JSON.stringify(body) };
      },
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: (r) => `body/${r.required} is required`,
      errors: (r, problem) => onlyError(`body/${r.required}`, "required")(r, problem),
    },
    {
      name: "a body over the size limit",
      request: (r) => ({ body: JSON.stringify({ ...r.valid(), padding: "x".repeat(BODY_LIMIT) }) }),
      status: 413,
      code: "SB_ERR_BODY_TOO_LARGE",
      detail: () => `the request body exceeds the limit of ${BODY_LIMIT} bytes`,
    },
    {
      name: "a chunked body that grows over the size limit",
      request: () => ({ body: chunkedBodyOf(BODY_LIMIT + 1) }),
      status: 413,
      code: "SB_ERR_BODY_TOO_LARGE",
      detail: () => `the request body exceeds the limit of ${BODY_LIMIT} bytes`,
    },
    {
      name: "JSON nested deeper than the limit",
      request: (r) => ({ body: withRawMember(r.valid(), `"deep":${nested(MAX_DEPTH)}`) }),
      status: 400,
      code: "SB_ERR_JSON_TOO_DEEP",
      detail: () => `JSON is nested deeper than ${MAX_DEPTH} levels`,
    },
    {
      name: "a __proto__ key",
      request: (r) => ({ body: withRawMember(r.valid(), '"__proto__":{"isAdmin":true}') }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => 'JSON key "__proto__" is not allowed (at /__proto__)',
    },
    {
      name: "an escaped __proto__ key",
      request: (r) => ({ body: withRawMember(r.valid(), '"\\u005f_proto__":{"isAdmin":true}') }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => 'JSON key "__proto__" is not allowed',
    },
    {
      name: "a nested constructor.prototype key",
      request: (r) => ({
        body: withRawMember(r.valid(), '"x":{"constructor":{"prototype":{"isAdmin":true}}}'),
      }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => 'JSON key "constructor" is not allowed (at /x/constructor)',
    },
    {
      name: "invalid UTF-8",
      request: () => ({ body: new Uint8Array([0x7b, 0x22, 0x6e, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]) }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: () => "the request body is not valid UTF-8",
    },
    {
      name: "a NUL character in a string",
      request: (r) => ({ body: JSON.stringify(r.freeText.body("a\u0000b")) }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: (r) => `${r.freeText.path} must not contain U+0000 (NUL)`,
    },
    {
      name: "an unpaired surrogate in a string",
      request: (r) => ({ body: JSON.stringify(r.freeText.body("a\ud800b")) }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: (r) => `${r.freeText.path} must not contain an unpaired surrogate (U+D800)`,
    },
    ...(
      [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
      ] as const
    ).map((type): BodyCase => ({
      name: `Content-Type ${type}`,
      request: (r) => ({ body: JSON.stringify(r.valid()), contentType: type }),
      status: 415,
      code: "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
      detail: () => `Content-Type "${type}" is not accepted; send application/json`,
    })),
    {
      name: "a body without Content-Type",
      request: (r) => ({ body: JSON.stringify(r.valid()), contentType: null }),
      status: 415,
      code: "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
      detail: () => "a body without Content-Type is not accepted; send application/json",
    },
    {
      name: "JSON in a charset other than UTF-8",
      request: (r) => ({
        body: JSON.stringify(r.valid()),
        contentType: "application/json; charset=iso-8859-1",
      }),
      status: 415,
      code: "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
      detail: () => "charset iso-8859-1 is not supported; send UTF-8 JSON",
    },
  ];
}

import type { Infer } from "@switchboard/contracts";
import { ValidationError } from "@switchboard/errors";
import type { DestinationAuth } from "../contracts.js";
import type { PUBLIC_AUTH } from "./webhooks.schemas.js";

/** What a GET shows of the auth: its kind and the parts that are not secret (null: none). */
export type PublicAuth = Infer<typeof PUBLIC_AUTH>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // an HTTP field name (RFC 9110 token)
// Control characters other than tab would let a value end the header and start another (CR/LF) or be cut (NUL).
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// Sent as a header value as they are (basic credentials travel base64-encoded, so any text will do).
const HEADER_TEXT = /^[\t\x20-\x7e]*$/;
const MAX_SECRET_LENGTH = 4096;

/**
 * Headers the bridge sets itself, or that frame the request: a subscription overriding them could
 * forge its own signature headers or break the HTTP exchange.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-authorization",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

const FIELDS = { basic: ["username", "password"], bearer: ["token"], header: ["name", "value"] } as const;

/** Checks auth as sent; messages name the field, never its value (it may be a credential). */
export function checkDestinationAuth(value: unknown): DestinationAuth {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("auth must be an object { type: basic | bearer | header, … }");
  const auth = value as Record<string, unknown>;
  const type = auth.type;
  if (type !== "basic" && type !== "bearer" && type !== "header")
    throw invalid(`auth.type must be "basic", "bearer" or "header"`);
  const allowed = new Set<string>(["type", ...FIELDS[type]]);
  const extra = Object.keys(auth).find((key) => !allowed.has(key));
  if (extra !== undefined)
    throw invalid(`auth of type ${type} takes ${FIELDS[type].join(" and ")}, not ${JSON.stringify(extra)}`);
  if (type === "basic") {
    const username = text(auth, "username", 256);
    if (username.includes(":"))
      throw invalid("auth.username must not contain ':' (HTTP basic auth splits on it)");
    return { type, username, password: text(auth, "password", MAX_SECRET_LENGTH) };
  }
  if (type === "bearer") return { type, token: headerText(auth, "token") };
  const name = text(auth, "name", 256);
  if (!TOKEN.test(name))
    throw invalid("auth.name must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
  if (RESERVED_HEADERS.has(name.toLowerCase()))
    throw invalid(`auth.name may not be ${name}: the bridge sets that header itself`);
  return { type, name, value: headerText(auth, "value") };
}

export function publicAuth(auth: DestinationAuth | null): PublicAuth {
  if (auth === null) return null;
  if (auth.type === "basic") return { type: "basic", username: auth.username };
  if (auth.type === "bearer") return { type: "bearer" };
  return { type: "header", name: auth.name };
}

function text(auth: Record<string, unknown>, field: string, max: number): string {
  const value = auth[field];
  if (typeof value !== "string" || value.length === 0 || value.length > max)
    throw invalid(`auth.${field} must be a string of 1 to ${max} characters`);
  if (CONTROL.test(value))
    throw invalid(
      `auth.${field} must not contain control characters such as CR or LF (they would split the header)`,
    );
  return value;
}

/** Text that goes into a header as it is: printable ASCII, and no edge whitespace (HTTP would strip it). */
function headerText(auth: Record<string, unknown>, field: string): string {
  const value = text(auth, field, MAX_SECRET_LENGTH);
  if (!HEADER_TEXT.test(value))
    throw invalid(`auth.${field} must be printable ASCII (it is sent as a header value)`);
  if (value.trim() !== value) throw invalid(`auth.${field} must not start or end with whitespace`);
  return value;
}

const invalid = (message: string): ValidationError =>
  new ValidationError(message, { details: [{ path: "body/auth", message }] });

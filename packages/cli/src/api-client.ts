import { request } from "undici";
import type { Connection } from "./connection.js";
import { ApiUnreachableError } from "./errors.js";

/** One entry of a problem+json `errors` list: `path` is a JSON pointer into what was sent. */
export interface ApiFieldError {
  path: string;
  message: string;
  code?: string;
}

/** An RFC 9457 answer, reduced to what the commands print. */
export interface ApiProblem {
  status: number;
  code: string;
  detail: string;
  errors: ApiFieldError[];
}

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; problem: ApiProblem };

/** A warning of a saved (or dry-run) rule: `path` is a JSON pointer into the rule document. */
export interface ApiWarning {
  path: string;
  message: string;
  code: string;
}

export interface SavedRule {
  ruleId: string;
  version: number;
  activeVersion: number | null;
  enabled: boolean;
  /** Absent from servers older than warnings. */
  warnings?: ApiWarning[];
}

export interface SavedDefinition {
  name: string;
  version: number;
}

export interface DryRunResult {
  valid: boolean;
  errors?: ApiFieldError[];
  matched: boolean;
  actions: unknown[];
  error?: string;
  /** A rule with a timer: when it would fire, and the key a follow-up cancels it by. */
  timer?: { dueAt: string; key: string | null };
}

const TIMEOUT_MS = 30_000;

export type ApiClient = ReturnType<typeof createApiClient>;

/** The few calls the commands make; a refusal is a value, an unreachable server a throw. */
export function createApiClient(connection: Connection) {
  const org = `/v1/orgs/${encodeURIComponent(connection.org)}`;
  const call = <T>(method: "GET" | "PUT" | "POST", path: string, body?: unknown) =>
    send<T>(connection, method, org + path, body);
  return {
    getInboundEvent: (name: string) =>
      call<SavedDefinition>("GET", `/inbound-events/${encodeURIComponent(name)}`),
    putInboundEvent: (name: string, definition: unknown) =>
      call<SavedDefinition>("PUT", `/inbound-events/${encodeURIComponent(name)}`, definition),
    putRule: (ruleId: string, rule: unknown, activate: boolean) =>
      call<SavedRule>("PUT", `/rules/${encodeURIComponent(ruleId)}${activate ? "?activate=true" : ""}`, rule),
    activateRule: (ruleId: string, version: number) =>
      call<SavedRule>("POST", `/rules/${encodeURIComponent(ruleId)}/activate`, { version }),
    dryRun: (body: { rule: unknown; payload: unknown } | { rule: unknown; recent: number }) =>
      call<{ results: DryRunResult[]; warnings?: ApiWarning[] }>("POST", "/rules/dry-run", body),
  };
}

async function send<T>(
  connection: Connection,
  method: string,
  path: string,
  body: unknown,
): Promise<ApiResult<T>> {
  const url = connection.url + path;
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method: method as "GET" | "PUT" | "POST",
      headers: {
        authorization: `Bearer ${connection.key}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new ApiUnreachableError(`cannot reach ${connection.url}: ${describeNetworkError(error)}`, {
      cause: error,
    });
  }
  const parsed = parseBody(text);
  if (status >= 200 && status < 300) {
    if (parsed === undefined && text !== "")
      throw new ApiUnreachableError(`${method} ${url} answered ${status} with a body that is not JSON`);
    return { ok: true, status, body: parsed as T };
  }
  return { ok: false, problem: toProblem(status, parsed, text) };
}

function parseBody(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toProblem(status: number, body: unknown, text: string): ApiProblem {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const errors = Array.isArray(problem["errors"]) ? problem["errors"].filter(isFieldError) : [];
  const detail = String(problem["detail"] ?? problem["title"] ?? (text.slice(0, 200) || `HTTP ${status}`));
  return { status, code: String(problem["code"] ?? `HTTP_${status}`), detail, errors };
}

function isFieldError(value: unknown): value is ApiFieldError {
  const entry = value as Partial<ApiFieldError> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.path === "string" &&
    typeof entry.message === "string"
  );
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

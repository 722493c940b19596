/// <reference lib="dom" />
/**
 * The API as the page calls it. The key lives in this module's variable only: gone when the tab
 * closes or reloads, never in localStorage, sessionStorage or a cookie, so no other page or script
 * of the origin can read it back.
 */
let apiKey: string | undefined;

export interface Whoami {
  keyId: string;
  orgId: string | null;
  orgName: string | null;
  roles: string[];
}

/** An answer that was not 2xx: its problem document's title, detail and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function signIn(key: string): void {
  apiKey = key;
}

export function signOut(): void {
  apiKey = undefined;
}

export async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers["authorization"] = `Bearer ${apiKey}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "omit",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text === "" ? undefined : JSON.parse(text);
  if (!response.ok) {
    const problem = (parsed ?? {}) as { title?: string; detail?: string; code?: string };
    const message = [problem.title, problem.detail].filter(Boolean).join(": ") || `HTTP ${response.status}`;
    throw new ApiError(response.status, problem.code, message, parsed);
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => request<T>("POST", path, body);
export const put = <T>(path: string, body: unknown) => request<T>("PUT", path, body);
export const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
export const del = <T>(path: string) => request<T>("DELETE", path);

/** A path segment, encoded. */
export const seg = (value: string | number) => encodeURIComponent(String(value));

/** The problem's field errors, one line each, when it has them. */
export function describeError(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [error instanceof Error ? error.message : String(error)];
  const body = (error.body ?? {}) as { errors?: { path?: string; pointer?: string; message?: string }[] };
  const details = (body.errors ?? []).map((e) => `${e.path ?? e.pointer ?? ""} ${e.message ?? ""}`.trim());
  return [error.message, ...details];
}

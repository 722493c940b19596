/** A thin HTTP client over real sockets, for tests that use the API as its users do. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Api = ReturnType<typeof api>;

type Body = { json: unknown } | { raw: string } | undefined;

/** Calls `baseUrl` with `Authorization: Bearer <key>` (when given); bodies are parsed as JSON when they are JSON. */
export function api(baseUrl: string, key?: string) {
  async function call<T = any>(
    method: string,
    path: string,
    body: Body,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const sent = body === undefined ? undefined : "raw" in body ? body.raw : JSON.stringify(body.json);
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(sent === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(sent === undefined ? {} : { body: sent }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  const json = (value: unknown): Body =>
    value === undefined ? undefined : typeof value === "string" ? { raw: value } : { json: value };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>("GET", path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, json(body), headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("PUT", path, json(body), headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("PATCH", path, json(body), headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>("DELETE", path, undefined, headers),
    /** Sends the text as the JSON body, byte for byte (e.g. something that is not JSON). */
    putRaw: <T = any>(path: string, text: string) => call<T>("PUT", path, { raw: text }),
    postRaw: <T = any>(path: string, text: string) => call<T>("POST", path, { raw: text }),
  };
}

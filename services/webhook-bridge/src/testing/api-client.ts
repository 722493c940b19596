/** A thin HTTP client over real sockets, acting as a user of the API would. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Api = ReturnType<typeof apiClient>;

export function apiClient(baseUrl: string, key: string) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<ApiResponse<T>> {
    const sent = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(sent === undefined ? {} : { "content-type": "application/json" }),
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
  return {
    get: <T = any>(path: string) => call<T>("GET", path),
    post: <T = any>(path: string, body?: unknown) => call<T>("POST", path, body),
    patch: <T = any>(path: string, body?: unknown) => call<T>("PATCH", path, body),
    delete: <T = any>(path: string) => call<T>("DELETE", path),
    /** Sends the text as the JSON body, byte for byte (e.g. something too large or not JSON). */
    postRaw: <T = any>(path: string, text: string) => call<T>("POST", path, undefined, text),
  };
}

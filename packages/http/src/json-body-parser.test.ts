import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { exceedsDepth, findForbiddenKey, parseStrictJson } from "./json-body-parser.js";
import { buildTestServer } from "./test-fixtures.js";

describe("parseStrictJson", () => {
  it("parses ordinary JSON and strips a byte-order mark", () => {
    expect(parseStrictJson(Buffer.from('\uFEFF{"a":[1,{"b":null}]}'), 8)).toEqual({ a: [1, { b: null }] });
  });

  it("counts depth outside strings only", () => {
    expect(exceedsDepth('{"a":{"b":1}}', 2)).toBe(false);
    expect(exceedsDepth('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(exceedsDepth('{"a":"[[[[[[\\"{{{{"}', 1)).toBe(false);
  });

  it("finds forbidden keys anywhere, including escaped spellings", () => {
    expect(findForbiddenKey(JSON.parse('{"a":[{"b":{"constructor":{}}}]}'))).toEqual([
      "a",
      "0",
      "b",
      "constructor",
    ]);
    expect(findForbiddenKey(JSON.parse('{"\\u005f_proto__":1}'))).toEqual(["__proto__"]);
    expect(findForbiddenKey(JSON.parse('{"proto":1,"constructors":[]}'))).toBeUndefined();
  });
});

describe("JSON bodies over HTTP", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestServer({ bodyLimitBytes: 1024, maxJsonDepth: 4 }));
  });
  afterAll(() => app.close());

  const post = (payload: string | Buffer, contentType = "application/json") =>
    app.inject({ method: "POST", url: "/echo", headers: { "content-type": contentType }, payload });

  function expectProblem(res: Awaited<ReturnType<typeof post>>, status: number, code: string) {
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ type: `urn:switchboard:problem:${code}`, status, code, instance: "/echo" });
    expect(typeof body.title).toBe("string");
    expect(typeof body.detail).toBe("string");
    return body as { detail: string };
  }

  it("accepts application/json and keeps the raw bytes", async () => {
    const payload = '{ "a" : 1 }';
    const res = await post(payload, "application/json; charset=utf-8");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      body: { a: 1 },
      rawLength: Buffer.byteLength(payload),
      contentType: "application/json; charset=utf-8",
    });
  });

  it("accepts structured +json types such as CloudEvents and batches", async () => {
    expect((await post('{"id":"1"}', "application/cloudevents+json")).json().body).toEqual({ id: "1" });
    expect((await post('[{"id":"1"}]', "application/cloudevents-batch+json")).json().body).toEqual([
      { id: "1" },
    ]);
  });

  it("rejects malformed JSON with the parser's position", async () => {
    const body = expectProblem(await post('{"a":1,}'), 400, "SB_ERR_MALFORMED_JSON");
    expect(body.detail).toMatch(/position 7/);
  });

  it("rejects nesting deeper than maxJsonDepth", async () => {
    expect((await post("[[[[1]]]]")).statusCode).toBe(200);
    const body = expectProblem(await post("[[[[[1]]]]]"), 400, "SB_ERR_JSON_TOO_DEEP");
    expect(body.detail).toContain("4");
  });

  it("rejects __proto__ and constructor keys", async () => {
    expectProblem(await post('{"__proto__":{"admin":true}}'), 400, "SB_ERR_MALFORMED_JSON");
    const body = expectProblem(
      await post('{"a":{"constructor":{"prototype":{}}}}'),
      400,
      "SB_ERR_MALFORMED_JSON",
    );
    expect(body.detail).toContain("/a/constructor");
  });

  it("rejects an empty body declared as JSON", async () => {
    const body = expectProblem(await post(""), 400, "SB_ERR_MALFORMED_JSON");
    expect(body.detail).toContain("empty");
  });

  it("rejects invalid UTF-8 and non-UTF-8 charsets", async () => {
    expectProblem(
      await post(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
      400,
      "SB_ERR_MALFORMED_JSON",
    );
    expectProblem(
      await post('{"a":1}', "application/json; charset=latin1"),
      415,
      "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("answers 413 for a body over the limit", async () => {
    const body = expectProblem(
      await post(JSON.stringify({ a: "x".repeat(2000) })),
      413,
      "SB_ERR_BODY_TOO_LARGE",
    );
    expect(body.detail).toContain("1024 bytes");
  });

  it("answers 415 for other media types", async () => {
    const body = expectProblem(
      await post("a=1", "application/x-www-form-urlencoded"),
      415,
      "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
    );
    expect(body.detail).toContain("application/x-www-form-urlencoded");
    expectProblem(await post("hi", "text/plain"), 415, "SB_ERR_UNSUPPORTED_MEDIA_TYPE");
    expectProblem(await post('{"a":1}', "application/jsonx"), 415, "SB_ERR_UNSUPPORTED_MEDIA_TYPE");
  });
});

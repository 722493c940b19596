import { describe, expect, it } from "vitest";
import {
  BATCH_MEDIA_TYPE,
  MAX_BATCH_EVENTS,
  readInboundRequest,
  STRUCTURED_MEDIA_TYPE,
} from "./cloudevents.js";

const JSON_TYPE = { "content-type": "application/json" };
const ce = (id: string, data: unknown = { n: 1 }) => ({
  specversion: "1.0",
  id,
  source: "https://scheduling.example/clinics/2",
  type: "com.example.slot.booked",
  data,
});

describe("reading a POSTed inbound event", () => {
  it("takes a plain JSON body as the payload, and wants one", () => {
    expect(readInboundRequest(JSON_TYPE, { a: 1 })).toEqual({ mode: "plain", event: { payload: { a: 1 } } });
    expect(() => readInboundRequest({}, undefined)).toThrow(/JSON body is required/);
  });

  it("binary mode: ce-* headers carry the attributes, the body is the data", () => {
    const read = readInboundRequest(
      { ...JSON_TYPE, "ce-specversion": "1.0", "ce-id": "b-1", "ce-source": "/sched", "ce-type": "slot" },
      { a: 1 },
    );
    expect(read).toEqual({
      mode: "binary",
      event: { payload: { a: 1 }, cloudEvent: { id: "b-1", source: "/sched", type: "slot" } },
    });
  });

  it("binary mode: names every missing required header", () => {
    expect(() => readInboundRequest({ ...JSON_TYPE, "ce-id": "b-1", "ce-type": "slot" }, {})).toThrow(
      expect.objectContaining({
        code: "SB_ERR_VALIDATION",
        message: expect.stringContaining("missing: ce-specversion, ce-source"),
      }),
    );
  });

  it("binary mode: refuses another specversion or an id with spaces, pointing at the header", () => {
    const headers = { "ce-specversion": "0.3", "ce-id": "has space", "ce-source": "/s", "ce-type": "t" };
    expect(() => readInboundRequest(headers, {})).toThrow(
      expect.objectContaining({
        details: [
          { path: "headers/ce-specversion", message: 'must be "1.0"' },
          expect.objectContaining({ path: "headers/ce-id" }),
        ],
      }),
    );
  });

  it("structured mode: the payload is data; null when there is none", () => {
    const headers = { "content-type": `${STRUCTURED_MEDIA_TYPE}; charset=utf-8` };
    expect(readInboundRequest(headers, ce("s-1", { a: 1 }))).toMatchObject({
      mode: "structured",
      event: { payload: { a: 1 }, cloudEvent: { id: "s-1", type: "com.example.slot.booked" } },
    });
    const { data: _none, ...withoutData } = ce("s-2");
    expect(readInboundRequest(headers, withoutData)).toMatchObject({ event: { payload: null } });
  });

  it("structured mode: refuses a missing id, binary data and a non-JSON data content type", () => {
    const headers = { "content-type": STRUCTURED_MEDIA_TYPE };
    const { id: _id, ...noId } = ce("x");
    expect(() => readInboundRequest(headers, noId)).toThrow(/\/id must be/);
    expect(() => readInboundRequest(headers, { ...ce("x"), data_base64: "AAAA" })).toThrow(/data_base64/);
    expect(() => readInboundRequest(headers, { ...ce("x"), datacontenttype: "text/xml" })).toThrow(
      /datacontenttype/,
    );
    expect(() => readInboundRequest(headers, [ce("x")])).toThrow(/must be a CloudEvent/);
  });

  it("batch mode: every item is read on its own; a bad one is a value, not a throw", () => {
    const read = readInboundRequest({ "content-type": BATCH_MEDIA_TYPE }, [
      ce("a"),
      { ...ce("b"), specversion: "2.0" },
      "junk",
    ]);
    expect(read.mode).toBe("batch");
    if (read.mode !== "batch") return;
    expect(read.items[0]).toMatchObject({ ok: true, value: { cloudEvent: { id: "a" } } });
    expect(read.items[1]).toEqual({
      ok: false,
      error: { id: "b", errors: [{ path: "/specversion", message: 'must be "1.0"' }] },
    });
    expect(read.items[2]).toMatchObject({ ok: false, error: { id: undefined } });
  });

  it("batch mode: 1 to 100 events", () => {
    const headers = { "content-type": BATCH_MEDIA_TYPE };
    expect(() => readInboundRequest(headers, [])).toThrow(/1 to 100/);
    expect(() => readInboundRequest(headers, { not: "an array" })).toThrow(/JSON array/);
    const tooMany = Array.from({ length: MAX_BATCH_EVENTS + 1 }, (_, i) => ce(`e-${i}`));
    expect(() => readInboundRequest(headers, tooMany)).toThrow(/it has 101/);
  });
});

import { describe, expect, it } from "vitest";
import { decodePayload, toEntry, type StoredLetter } from "./dead-letter-entry.js";

const encoder = new TextEncoder();

const letter = (headers: Record<string, string[]>, data = "{}"): StoredLetter => ({
  seq: 9,
  subject: "switchboard.dlq.hrh.invalid",
  headers: new Map(Object.entries(headers)),
  data: encoder.encode(data),
  storedAt: new Date("2026-11-21T10:00:00.000Z"),
});

describe("toEntry", () => {
  it("reads origin, stage, reason, details and deliveries from the DLQ headers", () => {
    const entry = toEntry(
      letter({
        "Switchboard-Origin-Stream": ["INBOUND"],
        "Switchboard-Origin-Seq": ["12"],
        "Switchboard-Origin-Subject": ["switchboard.inbound.hrh.a"],
        "Switchboard-Origin-Consumer": ["rules-engine"],
        "Switchboard-Origin-Msg-Id": ["m-1"],
        "Switchboard-Stage": ["invalid"],
        "Switchboard-Reason": ["bad"],
        "Switchboard-Details": ['[{"path":"/a"}]'],
        "Switchboard-Deliveries": ["3"],
        "Nats-Msg-Id": ["dlq:INBOUND:12"],
        "Nats-Expected-Stream": ["DLQ"],
        "X-Kept": ["one", "two"],
      }),
    );
    expect(entry).toEqual({
      id: 9,
      stage: "invalid",
      reason: "bad",
      details: [{ path: "/a" }],
      origin: {
        stream: "INBOUND",
        seq: 12,
        subject: "switchboard.inbound.hrh.a",
        consumer: "rules-engine",
        msgId: "m-1",
      },
      deliveries: 3,
      deadAt: "2026-11-21T10:00:00.000Z",
      headers: { "X-Kept": "one" },
      payload: {},
      payloadEncoding: "json",
    });
  });

  it("copes with missing or odd headers: the subject's stage, nulls, details kept as text", () => {
    const entry = toEntry(letter({ "Switchboard-Details": ["not json"], "Switchboard-Origin-Seq": ["x"] }));
    expect(entry).toMatchObject({
      stage: "invalid",
      reason: "",
      details: "not json",
      origin: { stream: null, seq: null, subject: null, consumer: null, msgId: null },
      deliveries: null,
    });
  });

  it("keeps a header named __proto__ as a plain entry", () => {
    const entry = toEntry({ ...letter({}), headers: new Map([["__proto__", ["x"]]]) });
    expect(Object.keys(entry.headers)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(entry.headers)).toBe(Object.prototype);
  });
});

describe("decodePayload", () => {
  it("is JSON when it parses, text when it does not, base64 when it is not UTF-8", () => {
    expect(decodePayload(encoder.encode('{"a":1}'))).toEqual({ payload: { a: 1 }, payloadEncoding: "json" });
    expect(decodePayload(encoder.encode("{not json"))).toEqual({
      payload: "{not json",
      payloadEncoding: "text",
    });
    expect(decodePayload(new Uint8Array([0xff, 0xfe, 0x00]))).toEqual({
      payload: "//4A",
      payloadEncoding: "base64",
    });
  });
});

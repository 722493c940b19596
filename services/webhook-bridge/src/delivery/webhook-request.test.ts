import { generateSigningSecret, verify } from "@switchboard/webhooks";
import { describe, expect, it } from "vitest";
import type { SubscriptionRecord } from "../contracts.js";
import { destinationAuthHeaders, webhookBody, webhookRequest } from "./webhook-request.js";

const secret = generateSigningSecret();
const sub = (over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  id: "wh_1",
  orgId: "hrh",
  url: "https://emr.example/referrals",
  description: null,
  eventTypes: ["formSubmitted"],
  filter: null,
  mapping: null,
  auth: null,
  signingSecrets: [secret],
  retrySchedule: null,
  timeoutMs: 10_000,
  rateLimitPerSecond: null,
  ordered: false,
  enabled: true,
  disabledReason: null,
  failingSince: null,
  ...over,
});

describe("webhookBody", () => {
  it("sends the event's bytes as published when there is no mapping", () => {
    const raw = '{"messageId":"m-1",  "info":{"b":1,"a":2}}';
    expect(webhookBody(sub(), JSON.parse(raw), raw)).toEqual({ ok: true, value: raw });
  });

  it("sends the mapped body when there is one", () => {
    const mapped = webhookBody(
      sub({ mapping: { "patient.name": { var: "info.name" } } }),
      { info: { name: "Ada" } },
      "{}",
    );
    expect(mapped).toEqual({ ok: true, value: '{"patient":{"name":"Ada"}}' });
  });
});

describe("webhookRequest", () => {
  it("signs with every secret, and the receiver verifies it; credentials cannot replace the signing headers", () => {
    const old = generateSigningSecret();
    const request = webhookRequest(
      sub({
        signingSecrets: [secret, old],
        auth: { type: "header", name: "Webhook-Signature", value: "forged" },
      }),
      "m-1",
      '{"a":1}',
      Date.now(),
    );
    expect(request.headers["webhook-id"]).toBe("m-1");
    expect(request.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(Object.keys(request.headers).filter((k) => k.toLowerCase() === "webhook-signature")).toHaveLength(
      1,
    );
    expect(verify(secret, request.headers, request.body)).toBe(true);
    expect(verify(old, request.headers, request.body)).toBe(true);
  });
});

describe("destinationAuthHeaders", () => {
  it("builds basic, bearer and custom header credentials", () => {
    expect(destinationAuthHeaders({ type: "basic", username: "u", password: "p:w" })).toEqual({
      authorization: `Basic ${Buffer.from("u:p:w").toString("base64")}`,
    });
    expect(destinationAuthHeaders({ type: "bearer", token: "t" })).toEqual({ authorization: "Bearer t" });
    expect(destinationAuthHeaders({ type: "header", name: "X-Api-Key", value: "k" })).toEqual({
      "x-api-key": "k",
    });
    expect(destinationAuthHeaders(null)).toEqual({});
  });
});

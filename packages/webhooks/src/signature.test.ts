import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { sign, signatureHeader, verify } from "./signature.js";
import { generateSigningSecret, validateSigningSecret } from "./signing-secret.js";
import { webhookHeaders } from "./webhook-headers.js";

const body = JSON.stringify({ messageId: "msg_1", info: { formName: "Referral", note: "ünïcode ✓" } });
const nowSec = (): number => Math.floor(Date.now() / 1000);

describe("signing secrets", () => {
  it("are whsec_ and base64 of 32 random bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateSigningSecret()).not.toBe(secret);
    expect(validateSigningSecret(secret)).toEqual({ ok: true, value: secret });
  });

  it.each([
    ["no prefix", Buffer.alloc(32).toString("base64"), /followed by base64/],
    ["not base64", "whsec_not*base64", /followed by base64/],
    ["too short", `whsec_${Buffer.alloc(16).toString("base64")}`, /24 to 64 bytes, not 16/],
    ["too long", `whsec_${Buffer.alloc(65).toString("base64")}`, /24 to 64 bytes, not 65/],
  ])("a secret with %s is refused", (_, secret, message) => {
    const result = validateSigningSecret(secret);
    expect(!result.ok && result.error).toMatch(message);
  });
});

describe("signatures", () => {
  it("verify with the standardwebhooks reference library", () => {
    const secret = generateSigningSecret();
    const headers = webhookHeaders({ msgId: "msg_1", timestamp: nowSec(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("made by the reference library verify with ours", () => {
    const secret = generateSigningSecret();
    const timestamp = nowSec();
    const signature = new Webhook(secret).sign("msg_2", new Date(timestamp * 1000), body);
    expect(signature).toBe(sign(secret, "msg_2", timestamp, body));
    const headers = {
      "webhook-id": "msg_2",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    };
    expect(verify(secret, headers, body)).toBe(true);
    const shouting = {
      "Webhook-Id": "msg_2",
      "WEBHOOK-TIMESTAMP": String(timestamp),
      "Webhook-Signature": signature,
    };
    expect(verify(secret, shouting, body)).toBe(true);
  });

  it("during rotation carry one signature per secret, and either secret verifies", () => {
    const [next, previous] = [generateSigningSecret(), generateSigningSecret()];
    const headers = webhookHeaders({ msgId: "msg_3", timestamp: nowSec(), body, secrets: [next, previous] });
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const secret of [next, previous]) {
      expect(verify(secret, headers, body)).toBe(true);
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
    expect(verify(generateSigningSecret(), headers, body)).toBe(false);
  });

  it("fail when the body, id or timestamp is changed", () => {
    const secret = generateSigningSecret();
    const timestamp = nowSec();
    const headers = webhookHeaders({ msgId: "msg_4", timestamp, body, secrets: [secret] });
    expect(verify(secret, headers, body)).toBe(true);
    expect(verify(secret, headers, body.replace("Referral", "Referrals"))).toBe(false);
    expect(verify(secret, { ...headers, "webhook-id": "msg_5" }, body)).toBe(false);
    expect(verify(secret, { ...headers, "webhook-timestamp": String(timestamp - 1) }, body)).toBe(false);
    expect(() => new Webhook(secret).verify(body.replace("Referral", "X"), headers)).toThrow();
  });

  it("fail outside the timestamp tolerance, either way", () => {
    const secret = generateSigningSecret();
    const headers = webhookHeaders({ msgId: "m", timestamp: 1_700_000_000, body, secrets: [secret] });
    expect(verify(secret, headers, body, { now: 1_700_000_300 })).toBe(true);
    expect(verify(secret, headers, body, { now: 1_700_000_301 })).toBe(false);
    expect(verify(secret, headers, body, { now: 1_699_999_699 })).toBe(false);
    expect(verify(secret, headers, body, { now: 1_700_000_900, toleranceSec: 900 })).toBe(true);
  });

  it("fail when headers are missing or malformed", () => {
    const secret = generateSigningSecret();
    const headers = webhookHeaders({ msgId: "m", timestamp: nowSec(), body, secrets: [secret] });
    const { "webhook-signature": _, ...unsigned } = headers;
    expect(verify(secret, unsigned, body)).toBe(false);
    expect(verify(secret, { ...headers, "webhook-timestamp": "soon" }, body)).toBe(false);
    const v2 = headers["webhook-signature"]?.replace("v1,", "v2,");
    expect(verify(secret, { ...headers, "webhook-signature": v2 }, body)).toBe(false);
  });

  it("refuse what cannot be signed", () => {
    const secret = generateSigningSecret();
    expect(() => sign(secret, "m", 1.5, body)).toThrow(/whole seconds/);
    expect(() => sign("not-a-secret", "m", 1, body)).toThrow(/whsec_/);
    expect(() => signatureHeader([], "m", 1, body)).toThrow(/at least one/);
    expect(() => webhookHeaders({ msgId: "a\r\nb", timestamp: 1, body, secrets: [secret] })).toThrow(
      /webhook-id/,
    );
  });
});

describe("webhookHeaders", () => {
  it("are the Standard Webhooks set with our content type and user agent", () => {
    const secret = generateSigningSecret();
    const headers = webhookHeaders({ msgId: "msg_6", timestamp: 1_700_000_000, body, secrets: [secret] });
    expect(headers).toEqual({
      "webhook-id": "msg_6",
      "webhook-timestamp": "1700000000",
      "webhook-signature": sign(secret, "msg_6", 1_700_000_000, body),
      "content-type": "application/json",
      "user-agent": "Switchboard-Webhooks/1",
    });
  });
});

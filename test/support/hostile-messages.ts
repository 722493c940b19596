import { connect, headers } from "@nats-io/transport-node";
import type { NatsTarget } from "./stream-reader.js";
import { jetstream } from "@nats-io/jetstream";
import type { HostileOrg } from "./hostile-fixture.js";

/** NATS's default max_payload: the largest message a third party can publish. */
const MAX_PAYLOAD = 1_048_576;

/** A message a third party may publish on its org's inbound subjects, and where the engine must put it. */
export interface HostileMessage {
  id: string;
  subject: (org: HostileOrg) => string;
  data: () => string | Uint8Array;
  stage: "invalid" | "undeclared";
  reason: string;
  /** The org the dead letter is filed under, when not the publisher's. */
  dlqOrg?: string;
}

const probe = (org: HostileOrg) => `switchboard.inbound.${org.org}.${org.inboundName}`;

/**
 * What rules-engine.test.ts does not already send (undeclared, schema-invalid, `{not json`, 5,000
 * levels): prototype keys, bytes that are not UTF-8, an empty payload, NaN, a root array, a payload
 * as large as NATS allows, 200,000 levels, a subject with no event name, an org that does not exist.
 */
export const HOSTILE_MESSAGES: readonly HostileMessage[] = [
  {
    id: "hostile-proto",
    subject: probe,
    data: () => '{"note":"go","__proto__":{"polluted":true}}',
    stage: "invalid",
    reason: 'key "__proto__" is not allowed',
  },
  {
    id: "hostile-constructor",
    subject: probe,
    data: () => '{"note":"go","tags":[{"constructor":{"prototype":{"polluted":true}}}]}',
    stage: "invalid",
    reason: 'key "constructor" is not allowed',
  },
  {
    id: "hostile-not-utf8",
    subject: probe,
    data: () =>
      new Uint8Array([0x7b, 0x22, 0x6e, 0x6f, 0x74, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    stage: "invalid",
    reason: "not valid JSON",
  },
  {
    id: "hostile-utf16",
    subject: probe,
    data: () => new Uint8Array([0xff, 0xfe, ...Buffer.from('{"note":"go"}', "utf16le")]),
    stage: "invalid",
    reason: "not valid JSON",
  },
  { id: "hostile-empty", subject: probe, data: () => "", stage: "invalid", reason: "not valid JSON" },
  {
    id: "hostile-nan",
    subject: probe,
    data: () => '{"note":NaN}',
    stage: "invalid",
    reason: "not valid JSON",
  },
  {
    id: "hostile-root-array",
    subject: probe,
    data: () => '[{"note":"go"}]',
    stage: "invalid",
    reason: "/ must be object",
  },
  {
    id: "hostile-max-payload",
    subject: probe,
    // As large as the server takes with the publisher's header: the dead letter's own headers come on top.
    data: () => `{"note":"${"x".repeat(MAX_PAYLOAD - 200)}"}`,
    stage: "invalid",
    reason: "/note must NOT have more than 100 characters",
  },
  {
    id: "hostile-deep",
    subject: probe,
    data: () => "[".repeat(200_000) + "]".repeat(200_000),
    stage: "invalid",
    reason: "nested deeper than",
  },
  {
    id: "hostile-no-name",
    subject: (org) => `switchboard.inbound.${org.org}`,
    data: () => '{"note":"go"}',
    stage: "undeclared",
    reason: "is not <ns>.inbound.<org>.<eventName>",
  },
  {
    id: "hostile-no-org",
    subject: (org) => `switchboard.inbound.nobody-${org.org}.${org.inboundName}`,
    data: () => '{"note":"go"}',
    stage: "undeclared",
    reason: "is not declared",
    dlqOrg: "nobody-alpha",
  },
];

/** Publishes bytes as they are (the shared publisher JSON-encodes anything that is not a string). */
export async function publishRaw(
  target: NatsTarget,
  subject: string,
  data: string | Uint8Array,
  msgId: string,
) {
  const nc = await connect(target.connectOptions());
  try {
    const h = headers();
    h.set("Nats-Msg-Id", msgId);
    await jetstream(nc).publish(subject, data, { headers: h });
  } finally {
    await nc.close();
  }
}

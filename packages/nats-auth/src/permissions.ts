import type { UserPermissions } from "./user-credentials.js";

/** Switchboard's services, each answering the commands on `<ns>.cmd.<service>.>`. */
export const SERVICE_NAMES = [
  "tenancy",
  "plans",
  "forms",
  "work-queues",
  "rules-engine",
  "webhook-bridge",
  "ingress",
  "dead-letters",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services that put events into INBOUND: the HTTP ingress, and the desk retrying a dead letter. */
const INBOUND_PUBLISHERS: readonly string[] = ["ingress", "dead-letters"];

/**
 * A service user: JetStream's API, acks, commands, change notices, events and dead letters; it
 * answers only its own services' commands (subscribing is what lets it answer, and replies go only to
 * requests it received), so no other user can pose as tenancy or any other service.
 */
export function servicePermissions(namespace: string, services: readonly string[]): UserPermissions {
  const ns = namespace;
  const pub = ["$JS.API.>", "$JS.ACK.>", `${ns}.cmd.>`, `${ns}.notify.>`, `${ns}.events.>`, `${ns}.dlq.>`];
  if (services.some((s) => INBOUND_PUBLISHERS.includes(s))) pub.push(`${ns}.inbound.>`);
  const sub = ["_INBOX.>", `${ns}.notify.>`, ...services.map((s) => `${ns}.cmd.${s}.>`)];
  return { pub: { allow: pub, deny: [] }, sub: { allow: sub, deny: [] }, respond: true };
}

/** What an org's third party may do with a credential. */
export const CREDENTIAL_ACCESS = ["subscribe", "publish", "consume"] as const;
export type CredentialAccess = (typeof CREDENTIAL_ACCESS)[number];

export interface CredentialScope {
  namespace: string;
  orgId: string;
  /** Names the credential's inbox prefix and its durable consumer. */
  credentialId: string;
  /** The EVENTS stream's name (with the deployment's prefix). */
  eventsStream: string;
  access: readonly CredentialAccess[];
}

/** Replies to a credential's requests (PubAcks, pulls) come on this prefix and no other. */
export const credentialInboxPrefix = (credentialId: string): string => `_INBOX_${credentialId}`;

/**
 * A third party's rights, nothing more: its org's events (`subscribe`), its org's inbound subjects
 * (`publish`), and pulling and acking its own durable consumer, named after the credential
 * (`consume`). nats-server 2.9 cannot bind a consumer's filter to a permission, so third parties
 * create no consumers: Switchboard creates the credential's consumer, filtered to the org.
 */
export function credentialPermissions(scope: CredentialScope): UserPermissions {
  const { namespace: ns, orgId, credentialId: id, eventsStream: stream, access } = scope;
  const pub: string[] = [];
  const sub = [`${credentialInboxPrefix(id)}.>`];
  if (access.includes("subscribe")) sub.push(`${ns}.events.${orgId}.>`);
  if (access.includes("publish")) pub.push(`${ns}.inbound.${orgId}.>`);
  if (access.includes("consume")) {
    pub.push(
      `$JS.API.CONSUMER.INFO.${stream}.${id}`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.${id}`,
      `$JS.ACK.${stream}.${id}.>`,
    );
  }
  // An empty allow list would allow everything.
  return {
    pub: pub.length > 0 ? { allow: pub, deny: [] } : { allow: [], deny: [">"] },
    sub: { allow: sub, deny: [] },
  };
}

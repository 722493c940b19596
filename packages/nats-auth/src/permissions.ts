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

/** Where replies to a service user's requests come: a prefix only that user may subscribe to. */
export function serviceInboxPrefix(services: readonly string[]): string {
  const all = SERVICE_NAMES.every((name) => services.includes(name));
  return `_INBOX.${all ? "switchboard" : [...services].sort().join("+")}`;
}

/**
 * A service user: JetStream's API and acks, commands, change notices, events and dead letters
 * (inbound events for ingress and the desk). It subscribes only to its own services' commands and
 * its own inbox prefix, so no other user receives a request meant for tenancy or any other service,
 * nor the answer to one. It may publish to `_INBOX.>` to answer the requests it receives; an answer
 * needs the request's reply subject (a random token under the requester's prefix), which only the
 * requester and the receivers of the request ever see. (NATS response permissions would say the
 * same more strictly, but the server then tracks the reply subject of every message delivered to
 * the user, every JetStream message included: consuming ran at about a third of the speed.)
 */
export function servicePermissions(namespace: string, services: readonly string[]): UserPermissions {
  const ns = namespace;
  const pub = [
    "$JS.API.>",
    "$JS.ACK.>",
    "_INBOX.>",
    `${ns}.cmd.>`,
    `${ns}.notify.>`,
    `${ns}.events.>`,
    `${ns}.dlq.>`,
  ];
  if (services.some((s) => INBOUND_PUBLISHERS.includes(s))) pub.push(`${ns}.inbound.>`);
  // Ingress adds up each org's inbound bytes in a key-value bucket shared by its replicas.
  if (services.includes("ingress")) pub.push("$KV.>");
  const sub = [
    `${serviceInboxPrefix(services)}.>`,
    `${ns}.notify.>`,
    ...services.map((s) => `${ns}.cmd.${s}.>`),
  ];
  return { pub: { allow: pub, deny: [] }, sub: { allow: sub, deny: [] } };
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

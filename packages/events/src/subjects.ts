import {
  assertEventType,
  assertInboundName,
  assertNamespace,
  assertOrgId,
  assertToken,
  isInboundName,
  isToken,
} from "./names.js";

/**
 * The subject layout (see the architecture, §2):
 *   <ns>.events.<org>.<eventType>      system events
 *   <ns>.inbound.<org>.<eventName…>    inbound third-party events (the name may be dotted)
 *   <ns>.dlq.<org>.<stage>             dead letters
 *   <ns>.cmd.<service>.<command>       request/reply commands
 * Every builder validates its tokens, because a stray `.`, `*` or `>` would address other orgs.
 */
export type SubjectKind = "events" | "inbound" | "dlq" | "cmd";

export interface ParsedSubject {
  namespace: string;
  kind: SubjectKind;
  /** Absent for commands, which are addressed to a service, not an org. */
  org?: string;
  /** What follows the org (or, for commands, the kind): [eventType], name segments, [stage], [service, command]. */
  rest: string[];
}

export function eventSubject(namespace: string, orgId: string, eventType: string): string {
  return `${assertNamespace(namespace)}.events.${assertOrgId(orgId)}.${assertEventType(eventType)}`;
}

/** A subscription filter: all events, one org's events, or one type across orgs or in one org. */
export function eventFilter(namespace: string, orgId?: string, eventType?: string): string {
  const ns = assertNamespace(namespace);
  const org = orgId === undefined ? "*" : assertOrgId(orgId);
  if (eventType !== undefined) return `${ns}.events.${org}.${assertEventType(eventType)}`;
  return orgId === undefined ? `${ns}.events.>` : `${ns}.events.${org}.>`;
}

export function inboundSubject(namespace: string, orgId: string, name: string): string {
  return `${assertNamespace(namespace)}.inbound.${assertOrgId(orgId)}.${assertInboundName(name)}`;
}

/** `>` because inbound names may have several segments. */
export function inboundFilter(namespace: string, orgId?: string): string {
  const org = orgId === undefined ? "" : `${assertOrgId(orgId)}.`;
  return `${assertNamespace(namespace)}.inbound.${org}>`;
}

export function dlqSubject(namespace: string, orgId: string, stage: string): string {
  return `${assertNamespace(namespace)}.dlq.${assertOrgId(orgId)}.${assertToken("DLQ stage", stage)}`;
}

export function dlqFilter(namespace: string, orgId?: string): string {
  const org = orgId === undefined ? "" : `${assertOrgId(orgId)}.`;
  return `${assertNamespace(namespace)}.dlq.${org}>`;
}

export function commandSubject(namespace: string, service: string, command: string): string {
  return `${assertNamespace(namespace)}.cmd.${assertToken("service", service)}.${assertToken("command", command)}`;
}

/**
 * Reads a concrete subject back into its parts; anything that does not follow the layout
 * (wildcards, bad tokens, wrong arity) gives undefined, since subjects arrive from the wire.
 */
export function parseSubject(subject: string): ParsedSubject | undefined {
  const [namespace, kind, ...tail] = subject.split(".");
  if (!isToken(namespace) || tail.length < 2 || !tail.every(isToken)) return undefined;
  const [second, ...rest] = tail as [string, ...string[]];
  switch (kind) {
    case "events":
    case "dlq":
      return rest.length === 1 ? { namespace, kind, org: second, rest } : undefined;
    case "inbound":
      return isInboundName(rest.join(".")) ? { namespace, kind, org: second, rest } : undefined;
    case "cmd":
      return tail.length === 2 ? { namespace, kind, rest: tail } : undefined;
    default:
      return undefined;
  }
}

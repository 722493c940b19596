import type { HostileOrg } from "./hostile-fixture.js";

/**
 * Every route of the OpenAPI document, with the roles it names (`x-switchboard-roles`; none for the
 * public ones) and a body it would accept, so that a refusal is about the key and not the body.
 * The test compares this table with the running server's document both ways.
 */
export interface PublicRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  roles: readonly string[];
  body?: (org: HostileOrg) => unknown;
}

const VIEW = ["viewer", "app", "content-manager"] as const;
const RULES_VIEW = ["content-manager", "viewer"] as const;
const HOOKS_VIEW = ["content-manager", "viewer", "integration"] as const;
const DESK = ["content-manager", "integration"] as const;
const CM = ["content-manager"] as const;
const APP = ["app"] as const;

const webhook = (org: HostileOrg) => ({
  url: `https://${org.org}.invalid/in`,
  eventTypes: ["formSubmitted"],
});
const rule = (org: HostileOrg) => ({
  id: org.ruleId,
  on: { inbound: org.inboundName },
  actions: [{ emit: { eventType: "probeSeen", info: {} } }],
});

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: "GET", path: "/healthz", roles: [] },
  { method: "GET", path: "/readyz", roles: [] },
  { method: "GET", path: "/metrics", roles: [] },
  { method: "POST", path: "/v1/orgs", roles: ["platform-admin"], body: () => ({ id: "zeta", name: "Zeta" }) },
  { method: "GET", path: "/v1/orgs", roles: ["platform-admin"] },
  {
    method: "GET",
    path: "/v1/whoami",
    roles: ["platform-admin", "org-admin", "content-manager", "integration", "app", "viewer"],
  },
  { method: "GET", path: "/v1/orgs/{org}", roles: ["viewer", "content-manager", "integration", "app"] },
  {
    method: "POST",
    path: "/v1/orgs/{org}/api-keys",
    roles: ["org-admin"],
    body: () => ({ name: "k", roles: ["viewer"] }),
  },
  { method: "GET", path: "/v1/orgs/{org}/api-keys", roles: ["org-admin"] },
  { method: "DELETE", path: "/v1/orgs/{org}/api-keys/{id}", roles: ["org-admin"] },
  {
    method: "POST",
    path: "/v1/orgs/{org}/nats-credentials",
    roles: ["org-admin"],
    body: () => ({ name: "third party", access: ["subscribe"] }),
  },
  { method: "GET", path: "/v1/orgs/{org}/nats-credentials", roles: ["org-admin"] },
  { method: "GET", path: "/v1/orgs/{org}/nats-credentials/{id}", roles: ["org-admin"] },
  { method: "DELETE", path: "/v1/orgs/{org}/nats-credentials/{id}", roles: ["org-admin"] },
  {
    method: "POST",
    path: "/v1/orgs/{org}/plan-templates",
    roles: CM,
    body: () => ({ name: "t2", roles: ["Patient"] }),
  },
  { method: "GET", path: "/v1/orgs/{org}/plan-templates", roles: VIEW },
  { method: "GET", path: "/v1/orgs/{org}/plan-templates/{name}", roles: VIEW },
  {
    method: "POST",
    path: "/v1/orgs/{org}/plans",
    roles: APP,
    body: (org) => ({ templateName: org.template, userId: "u2" }),
  },
  { method: "GET", path: "/v1/orgs/{org}/plans", roles: VIEW },
  { method: "GET", path: "/v1/orgs/{org}/plans/{planId}", roles: VIEW },
  {
    method: "POST",
    path: "/v1/orgs/{org}/plans/{planId}/form-assignments",
    roles: APP,
    body: (org) => ({ formName: org.forms[1], userId: "u2" }),
  },
  {
    method: "POST",
    path: "/v1/orgs/{org}/form-assignments/{id}/submission",
    roles: APP,
    body: () => ({ data: { answer: "yes" } }),
  },
  { method: "GET", path: "/v1/orgs/{org}/form-assignments", roles: VIEW },
  { method: "GET", path: "/v1/orgs/{org}/form-assignments/{id}", roles: VIEW },
  {
    method: "PUT",
    path: "/v1/orgs/{org}/work-queues/{queue}",
    roles: CM,
    body: (org) => ({ statuses: [...org.statuses] }),
  },
  { method: "GET", path: "/v1/orgs/{org}/work-queues/{queue}", roles: VIEW },
  { method: "GET", path: "/v1/orgs/{org}/work-queues", roles: VIEW },
  {
    method: "POST",
    path: "/v1/orgs/{org}/work-queues/{queue}/items",
    roles: APP,
    body: (org) => ({ planId: org.planId, priority: 1 }),
  },
  {
    method: "PATCH",
    path: "/v1/orgs/{org}/work-queue-items/{id}",
    roles: APP,
    body: (org) => ({ status: org.statuses[1] }),
  },
  { method: "GET", path: "/v1/orgs/{org}/work-queue-items/{id}", roles: VIEW },
  { method: "GET", path: "/v1/orgs/{org}/work-queue-items/{id}/proposal", roles: VIEW },
  { method: "POST", path: "/v1/orgs/{org}/work-queue-items/{id}/approve", roles: APP, body: () => ({}) },
  {
    method: "POST",
    path: "/v1/orgs/{org}/work-queue-items/{id}/reject",
    roles: APP,
    body: () => ({ reason: "not this one" }),
  },
  { method: "GET", path: "/v1/orgs/{org}/work-queue-items", roles: VIEW },
  {
    method: "PUT",
    path: "/v1/orgs/{org}/inbound-events/{name}",
    roles: CM,
    body: () => ({ description: "d", schema: { type: "object" } }),
  },
  { method: "GET", path: "/v1/orgs/{org}/inbound-events/{name}", roles: RULES_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/inbound-events/{name}/samples", roles: RULES_VIEW },
  { method: "DELETE", path: "/v1/orgs/{org}/inbound-events/{name}", roles: CM },
  { method: "GET", path: "/v1/orgs/{org}/inbound-events", roles: RULES_VIEW },
  { method: "PUT", path: "/v1/orgs/{org}/rules/{ruleId}", roles: CM, body: rule },
  { method: "GET", path: "/v1/orgs/{org}/rules/{ruleId}", roles: RULES_VIEW },
  { method: "PATCH", path: "/v1/orgs/{org}/rules/{ruleId}", roles: CM, body: () => ({ enabled: false }) },
  { method: "DELETE", path: "/v1/orgs/{org}/rules/{ruleId}", roles: CM },
  { method: "GET", path: "/v1/orgs/{org}/rules", roles: RULES_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/rules/{ruleId}/versions", roles: RULES_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/rules/{ruleId}/versions/{version}", roles: RULES_VIEW },
  {
    method: "POST",
    path: "/v1/orgs/{org}/rules/{ruleId}/activate",
    roles: CM,
    body: () => ({ version: 1 }),
  },
  {
    method: "POST",
    path: "/v1/orgs/{org}/rules/dry-run",
    roles: RULES_VIEW,
    body: (org) => ({ ruleId: org.ruleId, payload: { note: "go" } }),
  },
  { method: "GET", path: "/v1/orgs/{org}/rule-runs", roles: RULES_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/rules/{ruleId}/timers", roles: RULES_VIEW },
  { method: "POST", path: "/v1/orgs/{org}/webhooks", roles: CM, body: webhook },
  { method: "GET", path: "/v1/orgs/{org}/webhooks", roles: HOOKS_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/webhooks/health", roles: HOOKS_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/health", roles: HOOKS_VIEW },
  { method: "GET", path: "/v1/orgs/{org}/webhooks/{id}", roles: HOOKS_VIEW },
  { method: "PATCH", path: "/v1/orgs/{org}/webhooks/{id}", roles: CM, body: () => ({ enabled: false }) },
  { method: "DELETE", path: "/v1/orgs/{org}/webhooks/{id}", roles: CM },
  { method: "POST", path: "/v1/orgs/{org}/webhooks/{id}/rotate-secret", roles: CM, body: () => ({}) },
  { method: "POST", path: "/v1/orgs/{org}/webhooks/{id}/test", roles: CM },
  {
    method: "POST",
    path: "/v1/orgs/{org}/webhooks/{id}/test-mapping",
    roles: HOOKS_VIEW,
    body: () => ({ event: {} }),
  },
  { method: "GET", path: "/v1/orgs/{org}/webhooks/{id}/deliveries", roles: HOOKS_VIEW },
  {
    method: "POST",
    path: "/v1/orgs/{org}/webhooks/{id}/replay",
    roles: CM,
    body: () => ({ since: "2026-01-01T00:00:00Z" }),
  },
  {
    method: "POST",
    path: "/v1/orgs/{org}/inbound/{name}",
    roles: ["integration"],
    body: () => ({ note: "go" }),
  },
  { method: "GET", path: "/v1/orgs/{org}/events", roles: ["integration", "viewer", "content-manager"] },
  { method: "GET", path: "/v1/orgs/{org}/dead-letters", roles: ["viewer", "content-manager", "integration"] },
  {
    method: "GET",
    path: "/v1/orgs/{org}/dead-letters/summary",
    roles: ["viewer", "content-manager", "integration"],
  },
  {
    method: "GET",
    path: "/v1/orgs/{org}/dead-letters/{id}",
    roles: ["viewer", "content-manager", "integration"],
  },
  { method: "POST", path: "/v1/orgs/{org}/dead-letters/{id}/retry", roles: DESK },
  { method: "POST", path: "/v1/orgs/{org}/dead-letters/retry", roles: DESK, body: () => ({ ids: [1] }) },
  {
    method: "POST",
    path: "/v1/orgs/{org}/dead-letters/{id}/resolve",
    roles: DESK,
    body: () => ({ comment: "seen" }),
  },
];

export const routeName = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** The route's path with the org's real identifiers in every parameter. */
export function pathOf(template: string, org: HostileOrg): string {
  return template.replace(/\{(\w+)\}/g, (_all, name: string) => {
    switch (name) {
      case "org":
        return org.org;
      case "planId":
        return org.planId;
      case "queue":
        return org.queue;
      case "ruleId":
        return org.ruleId;
      case "version":
        return "1";
      case "name":
        return template.includes("/plan-templates/") ? org.template : org.inboundName;
      default:
        return idOf(template, org);
    }
  });
}

function idOf(template: string, org: HostileOrg): string {
  if (template.includes("/api-keys/")) return org.keyIds.viewer;
  if (template.includes("/nats-credentials/")) return org.natsCredentialId;
  if (template.includes("/form-assignments/")) return org.assignmentId;
  if (template.includes("/work-queue-items/")) return org.itemId;
  if (template.includes("/webhooks/")) return org.webhookId;
  if (template.includes("/dead-letters/")) return String(org.deadLetterId);
  throw new Error(`no id for ${template}`);
}

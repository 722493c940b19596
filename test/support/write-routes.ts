import { expect } from "vitest";
import type { Api } from "./api.js";
import { ADMIN_KEY } from "./switchboard.js";
import type { Tenant } from "./tenant.js";

/** Where each write route is, who may call it, a body it accepts and how each part of that body can go wrong. */
export interface WriteRoute {
  name: string;
  method: "POST" | "PUT" | "PATCH";
  path: () => string;
  key: () => string;
  valid: () => Record<string, unknown>;
  wrongType: { field: string; value: unknown; message: string };
  required: string;
  /** A body whose only fault is `text` placed where free text (or the nearest thing) goes, and that place's path. */
  freeText: { path: string; body: (text: string) => Record<string, unknown> };
  /** The roles the 403 for a viewer must name. */
  roles: string;
  /** What the list endpoints show; a rejected write must leave it unchanged. */
  rows: () => Promise<unknown>;
}

export async function listed(client: Api, path: string): Promise<unknown> {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * Every write route with a body, as org alpha (set up by `setUpTenant`) calls it; `fixture` is read
 * lazily, because the table is built before the suite's setup runs.
 */
export function writeRoutes(fixture: () => { admin: Api; alpha: Tenant }): WriteRoute[] {
  const alpha = () => fixture().alpha;
  const admin = () => fixture().admin;
  const alphaPath = (rest: string) => `/v1/orgs/${alpha().org}${rest}`;
  return [
    {
      name: "POST /v1/orgs",
      method: "POST",
      path: () => "/v1/orgs",
      key: () => ADMIN_KEY,
      valid: () => ({ id: "delta", name: "Delta" }),
      wrongType: { field: "name", value: 42, message: "body/name must be string" },
      required: "id",
      freeText: { path: "body/name", body: (text) => ({ id: "delta", name: text }) },
      roles: "platform-admin",
      rows: () => listed(admin(), "/v1/orgs"),
    },
    {
      name: "POST /v1/orgs/{org}/api-keys",
      method: "POST",
      path: () => alphaPath("/api-keys"),
      key: () => alpha().keys.admin,
      valid: () => ({ name: "ci", roles: ["viewer"] }),
      wrongType: { field: "roles", value: "viewer", message: "body/roles must be array" },
      required: "roles",
      freeText: { path: "body/name", body: (text) => ({ name: text, roles: ["viewer"] }) },
      roles: "org-admin, platform-admin",
      rows: () => listed(alpha().client.admin, alphaPath("/api-keys")),
    },
    {
      name: "POST /v1/orgs/{org}/plan-templates",
      method: "POST",
      path: () => alphaPath("/plan-templates"),
      key: () => alpha().keys.cm,
      valid: () => ({ name: "follow-up", roles: ["Patient"], forms: ["Referral"], workQueues: ["triage"] }),
      wrongType: { field: "forms", value: { Referral: true }, message: "body/forms must be array" },
      required: "name",
      freeText: { path: "body/roles/0", body: (text) => ({ name: "follow-up", roles: [text] }) },
      roles: "content-manager, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/plan-templates")),
    },
    {
      name: "POST /v1/orgs/{org}/plans",
      method: "POST",
      path: () => alphaPath("/plans"),
      key: () => alpha().keys.app,
      valid: () => ({
        templateName: "care",
        userId: "alpha-user-2",
        isTest: true,
        roleAssignments: [{ roleId: "Nurse", userId: "n-1" }],
      }),
      wrongType: { field: "isTest", value: "true", message: "body/isTest must be boolean" },
      required: "templateName",
      freeText: { path: "body/userId", body: (text) => ({ templateName: "care", userId: text }) },
      roles: "app, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/plans?limit=500")),
    },
    {
      name: "POST /v1/orgs/{org}/plans/{planId}/form-assignments",
      method: "POST",
      path: () => alphaPath(`/plans/${alpha().planId}/form-assignments`),
      key: () => alpha().keys.app,
      valid: () => ({ formName: "Intake", userId: "alpha-user-1", prefill: { ward: "4" } }),
      wrongType: { field: "prefill", value: ["ward"], message: "body/prefill must be object" },
      required: "formName",
      freeText: {
        path: "body/prefill/note",
        body: (text) => ({ formName: "Intake", userId: "alpha-user-1", prefill: { note: text } }),
      },
      roles: "app, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/form-assignments?limit=500")),
    },
    {
      name: "POST /v1/orgs/{org}/form-assignments/{id}/submission",
      method: "POST",
      path: () => alphaPath(`/form-assignments/${alpha().assignmentId}/submission`),
      key: () => alpha().keys.app,
      valid: () => ({ data: { answer: "yes" } }),
      wrongType: { field: "data", value: "yes", message: "body/data must be object" },
      required: "data",
      freeText: { path: "body/data/answer", body: (text) => ({ data: { answer: text } }) },
      roles: "app, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/form-assignments?limit=500")),
    },
    {
      name: "PUT /v1/orgs/{org}/work-queues/{queue}",
      method: "PUT",
      path: () => alphaPath("/work-queues/triage"),
      key: () => alpha().keys.cm,
      valid: () => ({ statuses: ["open", "closed"], description: "replaced" }),
      wrongType: { field: "statuses", value: "open", message: "body/statuses must be array" },
      required: "statuses",
      freeText: { path: "body/description", body: (text) => ({ statuses: ["open"], description: text }) },
      roles: "content-manager, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/work-queues")),
    },
    {
      name: "POST /v1/orgs/{org}/work-queues/{queue}/items",
      method: "POST",
      path: () => alphaPath("/work-queues/triage/items"),
      key: () => alpha().keys.app,
      valid: () => ({ planId: alpha().planId, priority: 1, serviceLocation: "Ward 1" }),
      wrongType: { field: "priority", value: "1", message: "body/priority must be integer" },
      required: "planId",
      freeText: {
        path: "body/serviceLocation",
        body: (text) => ({ planId: alpha().planId, priority: 1, serviceLocation: text }),
      },
      roles: "app, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/work-queue-items?limit=500")),
    },
    {
      name: "PATCH /v1/orgs/{org}/work-queue-items/{id}",
      method: "PATCH",
      path: () => alphaPath(`/work-queue-items/${alpha().itemId}`),
      key: () => alpha().keys.app,
      valid: () => ({ status: "done", priority: 9 }),
      wrongType: { field: "status", value: 3, message: "body/status must be string" },
      required: "status",
      freeText: { path: "body/status", body: (text) => ({ status: text }) },
      roles: "app, org-admin, platform-admin",
      rows: () => listed(alpha().client.viewer, alphaPath("/work-queue-items?limit=500")),
    },
  ];
}

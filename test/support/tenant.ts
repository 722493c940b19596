import { expect } from "vitest";
import { api, type Api } from "./api.js";
import { ADMIN_KEY } from "./switchboard.js";

export const KEY_KINDS = ["admin", "app", "cm", "viewer"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

const ROLES_OF: Record<KeyKind, string[]> = {
  admin: ["org-admin"],
  app: ["app"],
  cm: ["content-manager"],
  viewer: ["viewer"],
};

/** The names an org's data is made of; another org's names are what must never leak. */
export interface TenantNames {
  org: string;
  orgName: string;
  template: string;
  roles: [string, string];
  forms: [string, string];
  queue: string;
  statuses: [string, string, string];
  user: string;
}

/** An org with one key per role and a plan, a form assignment and a work-queue item on it. */
export interface Tenant extends TenantNames {
  keys: Record<KeyKind, string>;
  keyIds: Record<KeyKind, string>;
  client: Record<KeyKind, Api>;
  planId: string;
  assignmentId: string;
  itemId: string;
  /** The events its setup wrote, as `type:id`. */
  events: string[];
}

export async function setUpTenant(url: string, names: TenantNames): Promise<Tenant> {
  const admin = api(url, ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: names.org, name: names.orgName })).status).toBe(201);
  const keys = {} as Record<KeyKind, string>;
  const keyIds = {} as Record<KeyKind, string>;
  const client = {} as Record<KeyKind, Api>;
  for (const kind of KEY_KINDS) {
    const created = await admin.post(`/v1/orgs/${names.org}/api-keys`, {
      name: `${names.org} ${kind}`,
      roles: ROLES_OF[kind],
    });
    expect(created.status).toBe(201);
    keys[kind] = created.body.key;
    keyIds[kind] = created.body.id;
    client[kind] = api(url, created.body.key);
  }
  const base = `/v1/orgs/${names.org}`;
  const template = await client.cm.post(`${base}/plan-templates`, {
    name: names.template,
    roles: names.roles,
    forms: names.forms,
    workQueues: [names.queue],
  });
  expect(template.status).toBe(201);
  expect(
    (await client.cm.put(`${base}/work-queues/${names.queue}`, { statuses: names.statuses })).status,
  ).toBe(201);
  const plan = await client.app.post(`${base}/plans`, {
    templateName: names.template,
    userId: names.user,
    roleAssignments: [{ roleId: names.roles[0], userId: names.user }],
  });
  expect(plan.status).toBe(201);
  const assigned = await client.app.post(`${base}/plans/${plan.body.id}/form-assignments`, {
    formName: names.forms[0],
    userId: names.user,
    prefill: { about: names.user },
  });
  expect(assigned.status).toBe(201);
  const item = await client.app.post(`${base}/work-queues/${names.queue}/items`, {
    planId: plan.body.id,
    priority: 5,
  });
  expect(item.status).toBe(201);
  return {
    ...names,
    keys,
    keyIds,
    client,
    planId: plan.body.id,
    assignmentId: assigned.body.id,
    itemId: item.body.id,
    events: [
      `planCreated:${plan.body.id}`,
      `formAssigned:${assigned.body.id}`,
      `workQueueItemCreated:${item.body.id}`,
    ],
  };
}

/** What an org's list endpoints show: a snapshot that a rejected write must leave as it was. */
export async function snapshotOf(tenant: Tenant): Promise<unknown> {
  const base = `/v1/orgs/${tenant.org}`;
  const reads = [
    tenant.client.admin.get(`${base}/api-keys`),
    tenant.client.viewer.get(`${base}/plan-templates`),
    tenant.client.viewer.get(`${base}/plans?limit=500`),
    tenant.client.viewer.get(`${base}/form-assignments?limit=500`),
    tenant.client.viewer.get(`${base}/work-queues`),
    tenant.client.viewer.get(`${base}/work-queue-items?limit=500`),
  ];
  const answers = await Promise.all(reads);
  for (const answer of answers) expect(answer.status).toBe(200);
  return answers.map((answer) => answer.body);
}

/** The id an event is about, so the events on the stream can be matched with the writes that succeeded. */
export function eventKey(event: { messageType: string; info: Record<string, unknown> }): string {
  const type = event.messageType.split(".").at(-1);
  const id = event.info["workQueueItemId"] ?? event.info["formAssignmentId"] ?? event.info["planId"];
  return `${type}:${String(id)}`;
}

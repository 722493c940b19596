import { expect } from "vitest";
import { api, type Api } from "./api.js";
import { ADMIN_KEY } from "./switchboard.js";

/** Creates an org with a template and a work queue, and returns an app key's client for it. */
export async function setUpOrg(
  url: string,
  orgId: string,
  roles: string[] = ["app", "content-manager"],
): Promise<{ app: Api; key: string }> {
  const admin = api(url, ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: orgId, name: `Org ${orgId}` })).status).toBe(201);
  const created = await admin.post(`/v1/orgs/${orgId}/api-keys`, { name: "test", roles });
  expect(created.status).toBe(201);
  const app = api(url, created.body.key);
  expect(
    (
      await app.post(`/v1/orgs/${orgId}/plan-templates`, {
        name: "care",
        roles: ["Patient"],
        forms: ["Referral"],
        workQueues: ["triage"],
      })
    ).status,
  ).toBe(201);
  expect((await app.put(`/v1/orgs/${orgId}/work-queues/triage`, { statuses: ["new", "done"] })).status).toBe(
    201,
  );
  return { app, key: created.body.key };
}

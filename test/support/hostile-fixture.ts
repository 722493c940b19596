import { expect } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./api.js";
import { natsPublisher } from "./nats-publisher.js";
import type { NatsTarget } from "./stream-reader.js";
import { ADMIN_KEY } from "./switchboard.js";
import { setUpTenant, type Tenant, type TenantNames } from "./tenant.js";

/** An org with every kind of resource a route can name, and a key per role. */
export interface HostileOrg extends Tenant {
  /** Holds integration (ingest, poll, dead letters) and viewer: what `Tenant` has no key for. */
  integrationKey: string;
  inboundName: string;
  ruleId: string;
  webhookId: string;
  webhookSecret: string;
  deadLetterId: number;
  natsCredentialId: string;
}

/** What the corpus runs against: two orgs, alpha (the caller) and beta (whose data must not leak). */
export interface HostileFixture {
  url: string;
  nats: NatsTarget;
  alpha: HostileOrg;
  beta: HostileOrg;
}

/** The inbound schema each org declares: open, so prototype keys in a payload pass it. */
export const PROBE_SCHEMA = {
  type: "object",
  properties: {
    note: { type: "string", maxLength: 100 },
    tags: { type: "array", items: { type: "string" } },
    patient: { type: "object", properties: { id: { type: "string" } }, additionalProperties: false },
  },
};

/** A rule on the probe event that records a run for every payload whose `note` is "go". */
export const probeRule = (id: string, inbound: string) => ({
  id,
  description: "emits a custom event for every probe whose note is go",
  on: { inbound },
  when: { "==": [{ var: "note" }, "go"] },
  actions: [{ emit: { eventType: "probeSeen", info: { note: { var: "note" } } } }],
});

export async function setUpHostileOrg(
  url: string,
  nats: NatsTarget,
  names: TenantNames & { inbound: string; rule: string },
): Promise<HostileOrg> {
  const tenant = await setUpTenant(url, names);
  const admin = api(url, ADMIN_KEY);
  const base = `/v1/orgs/${names.org}`;
  const integration = await admin.post(`${base}/api-keys`, {
    name: `${names.org} integration`,
    roles: ["integration", "viewer"],
  });
  expect(integration.status).toBe(201);
  const cm = tenant.client.cm;
  const declared = await cm.put(`${base}/inbound-events/${names.inbound}`, {
    description: "probe events",
    schema: PROBE_SCHEMA,
  });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  const rule = await cm.put(
    `${base}/rules/${names.rule}?activate=true`,
    probeRule(names.rule, names.inbound),
  );
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  // An https URL nothing resolves here; the subscription only takes formSubmitted, which the corpus never causes.
  const webhook = await cm.post(`${base}/webhooks`, {
    url: `https://${names.org}-receiver.invalid/hooks`,
    eventTypes: ["formSubmitted"],
    description: `${names.orgName} receiver`,
  });
  expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
  const credential = await api(url, tenant.keys.admin).post(`${base}/nats-credentials`, {
    name: `${names.orgName} scheduling system`,
    access: ["subscribe", "publish"],
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  return {
    ...tenant,
    integrationKey: integration.body.key,
    inboundName: names.inbound,
    ruleId: names.rule,
    webhookId: webhook.body.id,
    webhookSecret: webhook.body.secret,
    deadLetterId: await deadLetterOf(url, nats, names.org, integration.body.key),
    natsCredentialId: credential.body.id,
  };
}

/** Publishes an undeclared event for the org and waits for its dead letter, so the desk's routes have a real id. */
async function deadLetterOf(url: string, nats: NatsTarget, org: string, key: string): Promise<number> {
  const publisher = await natsPublisher(nats);
  try {
    await publisher.publish(`switchboard.inbound.${org}.never.declared`, { org }, `${org}-undeclared-1`);
  } finally {
    await publisher.close();
  }
  const client: Api = api(url, key);
  return waitFor(
    async () => {
      const listed = await client.get(`/v1/orgs/${org}/dead-letters`);
      return listed.status === 200 && (listed.body.deadLetters[0]?.id as number | undefined);
    },
    { what: `a dead letter of org ${org}` },
  );
}

/** Everything of an org that must never appear in an answer to another org's key. */
export function secretsOf(org: HostileOrg): string[] {
  return [
    org.orgName,
    org.template,
    org.user,
    org.queue,
    ...org.statuses,
    ...org.roles,
    ...org.forms,
    org.inboundName,
    org.ruleId,
    org.planId,
    org.assignmentId,
    org.itemId,
    org.webhookId,
    org.webhookSecret,
    org.natsCredentialId,
    org.integrationKey,
    ...Object.values(org.keys),
    ...Object.values(org.keyIds),
  ];
}

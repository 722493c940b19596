import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The client a third party would use: the `nats` package, not Switchboard's own code.
import { AckPolicy, connect, credsAuthenticator, headers, type NatsConnection, type Status } from "nats";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { setUpOrg } from "./support/org.js";
import { readStream, streamCount } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

const enc = new TextEncoder();

/** A third party's connection, with every error the server reported to it. */
interface ThirdParty {
  nc: NatsConnection;
  errors: string[];
  close(): Promise<void>;
}

async function connectAs(
  natsUrl: string,
  credential: { creds?: string; inboxPrefix?: string },
): Promise<ThirdParty> {
  const nc = await connect({
    servers: natsUrl,
    authenticator: credsAuthenticator(enc.encode(String(credential.creds))),
    inboxPrefix: String(credential.inboxPrefix),
    reconnect: false,
  });
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status() as AsyncIterable<Status>)
      if (s.type === "error") errors.push(String(s.data));
  })();
  return { nc, errors, close: () => nc.close() };
}

/** A publish (as a request, so the answer says why) that the server refuses with a permissions violation. */
async function refusedPublish(party: ThirdParty, subject: string, body: unknown = {}): Promise<void> {
  const data = enc.encode(typeof body === "string" ? body : JSON.stringify(body));
  await expect(party.nc.request(subject, data, { timeout: 5_000 })).rejects.toThrow(
    `Permissions Violation for Publish to "${subject}"`,
  );
}

/** A subscription that the server refuses with a permissions violation (reported to its callback). */
async function refusedSubscription(party: ThirdParty, subject: string, queue?: string): Promise<void> {
  const refused = new Promise<unknown>((resolve) => {
    party.nc.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (error) => error && resolve(error),
    });
  });
  await party.nc.flush();
  expect(String(await refused)).toContain(`Permissions Violation for Subscription to "${subject}"`);
}

describe("NATS credentials for third parties", () => {
  let stack: TestStack;
  let natsUrl: string;
  let adminA: Api;
  let appA: Api;
  let appB: Api;
  let credentialA: Record<string, any>;

  beforeAll(async () => {
    stack = await startStack();
    natsUrl = stack.nats.url;
    ({ app: appA } = await setUpOrg(stack.url, "acme"));
    ({ app: appB } = await setUpOrg(stack.url, "beta"));
    const admin = api(stack.url, ADMIN_KEY);
    adminA = api(
      stack.url,
      (await admin.post("/v1/orgs/acme/api-keys", { name: "admin", roles: ["org-admin"] })).body.key,
    );
    const created = await adminA.post("/v1/orgs/acme/nats-credentials", {
      name: "scheduling system",
      access: ["subscribe", "publish", "consume"],
    });
    expect(created.status).toBe(201);
    credentialA = created.body;
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const plan = (app: Api, org: string, userId: string) =>
    app.post(`/v1/orgs/${org}/plans`, {
      templateName: "care",
      userId,
      roleAssignments: [{ roleId: "Patient", userId }],
    });

  it("is a standard .creds file, shown once, with where to connect; listed and shown without its seed", async () => {
    expect(credentialA).toMatchObject({
      orgId: "acme",
      name: "scheduling system",
      access: ["subscribe", "publish", "consume"],
      inboxPrefix: `_INBOX_${credentialA.id}`,
      subscribe: "switchboard.events.acme.>",
      publish: "switchboard.inbound.acme.>",
      consumer: { stream: "EVENTS", durable: credentialA.id },
      expiresAt: null,
      revokedAt: null,
    });
    expect(credentialA.creds).toMatch(
      /-----BEGIN NATS USER JWT-----[\s\S]+-----BEGIN USER NKEY SEED-----\s+SU/,
    );
    const seed = /-----BEGIN USER NKEY SEED-----\s+(SU[A-Z2-7]+)/.exec(credentialA.creds)![1]!;
    const anySeed = /\bSU[A-Z2-7]{56}\b/;
    const listed = await adminA.get("/v1/orgs/acme/nats-credentials");
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(seed);
    expect(JSON.stringify(listed.body)).not.toMatch(anySeed);
    expect(listed.body.natsCredentials.map((c: { id: string }) => c.id)).toContain(credentialA.id);
    const shown = await adminA.get(`/v1/orgs/acme/nats-credentials/${credentialA.id}`);
    expect(shown.body).not.toHaveProperty("creds");
    expect(JSON.stringify(shown.body)).not.toContain(seed);
    expect(JSON.stringify(shown.body)).not.toMatch(anySeed);
    expect(shown.body.audit).toEqual([
      expect.objectContaining({ action: "created", actor: expect.stringMatching(/^key:/) }),
    ]);
  });

  it("receives its org's events as they happen", async () => {
    const party = await connectAs(natsUrl, credentialA);
    const received: any[] = [];
    party.nc.subscribe("switchboard.events.acme.>", { callback: (_e, m) => void received.push(m.json()) });
    await party.nc.flush();
    expect((await plan(appA, "acme", "core-1")).status).toBe(201);
    await waitFor(() => received.some((e) => e.info?.userId === "core-1"), { what: "acme's planCreated" });
    expect(party.errors).toEqual([]);
    await party.close();
  });

  it("reads its org's events durably: after a reconnect it resumes where it acked", async () => {
    const first = await connectAs(natsUrl, credentialA);
    for (const user of ["d-1", "d-2"]) expect((await plan(appA, "acme", user)).status).toBe(201);
    expect((await plan(appB, "beta", "d-b")).status).toBe(201); // another org's: never in this consumer
    const consumer = await first.nc.jetstream().consumers.get("EVENTS", credentialA.id);
    const seen: string[] = [];
    await waitFor(async () => {
      const batch = await consumer.fetch({ max_messages: 10, expires: 1_000 });
      for await (const m of batch) {
        const event = m.json<{ orgId: string; info: { userId?: string } }>();
        if (event.info.userId?.startsWith("d-")) seen.push(`${event.orgId}/${event.info.userId}`);
        m.ack();
      }
      return seen.length >= 2;
    });
    await first.nc.flush();
    await first.close();
    expect(seen).toEqual(["acme/d-1", "acme/d-2"]);

    // Disconnected meanwhile: an event the third party has not read waits for it.
    expect((await plan(appA, "acme", "d-3")).status).toBe(201);
    const later = await connectAs(natsUrl, credentialA);
    const again = await later.nc.jetstream().consumers.get("EVENTS", credentialA.id);
    const resumed: string[] = [];
    await waitFor(async () => {
      const batch = await again.fetch({ max_messages: 10, expires: 1_000 });
      for await (const m of batch) {
        const event = m.json<{ info: { userId?: string } }>();
        if (event.info.userId !== undefined) resumed.push(event.info.userId);
        m.ack();
      }
      return resumed.length >= 1;
    });
    expect(resumed).toEqual(["d-3"]);
    expect(later.errors).toEqual([]);
    await later.close();
  });

  it("publishes its org's inbound events, and its org's rules act on them", async () => {
    const cm = appA;
    expect(
      (
        await cm.put("/v1/orgs/acme/inbound-events/scheduling.slotBooked", {
          description: "a booked slot",
          schema: { type: "object", properties: { patientId: { type: "string" } }, required: ["patientId"] },
        })
      ).status,
    ).toBeLessThan(300);
    const rule = {
      id: "booked-emits",
      description: "says a slot was seen",
      enabled: true,
      on: { inbound: "scheduling.slotBooked" },
      when: { "!!": [{ var: "patientId" }] },
      actions: [{ emit: { eventType: "slotSeen", info: { patientId: { var: "patientId" } } } }],
    };
    expect((await cm.put("/v1/orgs/acme/rules/booked-emits?activate=true", rule)).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1_000)); // a change reaches every engine replica within a second
    const party = await connectAs(natsUrl, credentialA);
    const h = headers();
    h.set("Nats-Msg-Id", "acme-booking-1");
    const ack = await party.nc
      .jetstream()
      .publish("switchboard.inbound.acme.scheduling.slotBooked", enc.encode('{"patientId":"p-9"}'), {
        headers: h,
      });
    expect(ack.duplicate).toBe(false);
    await waitFor(
      async () =>
        (await readStream(stack.nats, "EVENTS")).some(
          (m) => m.subject === "switchboard.events.acme.slotSeen" && m.data.info.patientId === "p-9",
        ),
      { timeoutMs: 20_000, what: "the rule's slotSeen event" },
    );
    await party.close();
  });

  describe("is refused everything else, by the server, with no effect", () => {
    let party: ThirdParty;
    beforeAll(async () => {
      party = await connectAs(natsUrl, credentialA);
    });
    afterAll(async () => {
      await party?.close();
    });

    it("another org's events, and everything at once", async () => {
      for (const subject of ["switchboard.events.beta.>", "switchboard.events.>", ">", "$SYS.>", "_INBOX.>"])
        await refusedSubscription(party, subject);
    });

    it("another org's inbound subjects, and any event subject: nothing is stored", async () => {
      const inbound = await streamCount(stack.nats, "INBOUND");
      const events = await streamCount(stack.nats, "EVENTS");
      await refusedPublish(party, "switchboard.inbound.beta.scheduling.slotBooked", { patientId: "x" });
      // A forged platform event of its own org, which the webhook bridge would otherwise sign and send.
      await refusedPublish(party, "switchboard.events.acme.formSubmitted");
      await refusedPublish(party, "switchboard.events.beta.planCreated");
      // A plain publish, without a reply subject, is dropped the same way.
      party.nc.publish("switchboard.inbound.beta.scheduling.slotBooked", enc.encode('{"patientId":"x"}'));
      await party.nc.flush();
      expect(await streamCount(stack.nats, "INBOUND")).toBe(inbound);
      expect(await streamCount(stack.nats, "EVENTS")).toBe(events);
    });

    it("commands: no request reaches a service, and it cannot answer one as tenancy", async () => {
      for (const subject of ["switchboard.cmd.tenancy.authenticate", "switchboard.cmd.plans.createPlan"])
        await refusedPublish(party, subject, { orgId: "beta", params: {} });
      await refusedSubscription(party, "switchboard.cmd.tenancy.authenticate", "tenancy");
      await refusedSubscription(party, "switchboard.cmd.>");
    });

    it("stream and consumer management: no consumer on another org or on all events, no purge, no delete", async () => {
      const before = await streamCount(stack.nats, "EVENTS");
      const api = "$JS.API";
      const attempts: Array<[string, unknown]> = [
        [
          `${api}.CONSUMER.DURABLE.CREATE.EVENTS.spy`,
          {
            stream_name: "EVENTS",
            config: {
              durable_name: "spy",
              ack_policy: AckPolicy.Explicit,
              filter_subject: "switchboard.events.beta.>",
            },
          },
        ],
        [`${api}.CONSUMER.CREATE.EVENTS`, { stream_name: "EVENTS", config: { ack_policy: AckPolicy.None } }],
        [
          `${api}.CONSUMER.CREATE.EVENTS.spy.switchboard.events.beta.>`,
          { stream_name: "EVENTS", config: { name: "spy" } },
        ],
        [`${api}.STREAM.PURGE.EVENTS`, {}],
        [`${api}.STREAM.DELETE.EVENTS`, {}],
        [`${api}.STREAM.DELETE.INBOUND`, {}],
        [`${api}.CONSUMER.DELETE.EVENTS.rules-engine-events`, {}],
        [`${api}.CONSUMER.DELETE.EVENTS.${credentialA.id}`, {}],
        [`${api}.CONSUMER.MSG.NEXT.INBOUND.rules-engine`, { batch: 1 }],
        [`${api}.STREAM.MSG.GET.EVENTS`, { seq: 1 }],
      ];
      for (const [subject, body] of attempts) await refusedPublish(party, subject, body);
      await expect(party.nc.jetstreamManager()).rejects.toThrow(/Permissions Violation/);
      expect(await streamCount(stack.nats, "EVENTS")).toBe(before);
      const admin = await connect(stack.nats.connectOptions() as never);
      const jsm = await admin.jetstreamManager();
      expect((await jsm.consumers.list("EVENTS").next()).map((c) => c.name)).not.toContain("spy");
      expect((await jsm.consumers.info("EVENTS", credentialA.id)).name).toBe(credentialA.id);
      await admin.close();
    });
  });

  it("cannot pre-empt another org's HTTP event by publishing its message id first", async () => {
    const admin = api(stack.url, ADMIN_KEY);
    const cmB = appB;
    expect(
      (
        await cmB.put("/v1/orgs/beta/inbound-events/scheduling.slotBooked", {
          description: "a booked slot",
          schema: { type: "object", properties: { patientId: { type: "string" } }, required: ["patientId"] },
        })
      ).status,
    ).toBeLessThan(300);
    const integrationB = api(
      stack.url,
      (await admin.post("/v1/orgs/beta/api-keys", { name: "ingest", roles: ["integration"] })).body.key,
    );
    // acme's third party guesses beta's next id and publishes it, on its own org's subject, first.
    const party = await connectAs(natsUrl, credentialA);
    const h = headers();
    h.set("Nats-Msg-Id", "beta/scheduling.slotBooked/beta-booking-1");
    await party.nc
      .jetstream()
      .publish("switchboard.inbound.acme.scheduling.slotBooked", enc.encode('{"patientId":"decoy"}'), {
        headers: h,
      });
    await party.close();

    const posted = await integrationB.post(
      "/v1/orgs/beta/inbound/scheduling.slotBooked",
      { patientId: "p-beta" },
      { "idempotency-key": "beta-booking-1" },
    );
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ messageId: "beta-booking-1", duplicate: false });
    const stored = (await readStream(stack.nats, "INBOUND")).filter(
      (m) => m.subject === "switchboard.inbound.beta.scheduling.slotBooked",
    );
    expect(stored.map((m) => [m.headers["Switchboard-Message-Id"], m.data.patientId])).toEqual([
      ["beta-booking-1", "p-beta"],
    ]);
    // beta's own retry with the same key is still its own duplicate.
    const retried = await integrationB.post(
      "/v1/orgs/beta/inbound/scheduling.slotBooked",
      { patientId: "p-beta" },
      { "idempotency-key": "beta-booking-1" },
    );
    expect(retried.status).toBe(202);
  });

  it("cannot connect without credentials", async () => {
    await expect(connect({ servers: natsUrl, reconnect: false })).rejects.toThrow(/Authorization Violation/);
  });

  it("revoked, its live connection is closed within 5 s and it can never connect again; the trail says who", async () => {
    const made = await adminA.post("/v1/orgs/acme/nats-credentials", {
      name: "to revoke",
      access: ["subscribe"],
    });
    const party = await connectAs(natsUrl, made.body);
    const started = Date.now();
    const revoked = await adminA.delete(`/v1/orgs/acme/nats-credentials/${made.body.id}`);
    expect(revoked.status).toBe(204);
    const closedWith = await Promise.race([
      party.nc.closed(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("still connected after 5 s")), 5_000)),
    ]);
    expect(String(closedWith)).toMatch(/Revoked|Authorization/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(connectAs(natsUrl, made.body)).rejects.toThrow(/Authorization Violation/);

    // A second revocation answers as the first did and changes nothing.
    expect((await adminA.delete(`/v1/orgs/acme/nats-credentials/${made.body.id}`)).status).toBe(204);
    const shown = await adminA.get(`/v1/orgs/acme/nats-credentials/${made.body.id}`);
    expect(shown.body.revokedAt).not.toBeNull();
    expect(shown.body.audit.map((a: { action: string }) => a.action)).toEqual(["created", "revoked"]);
    await waitFor(async () => {
      const events = await readStream(stack.nats, "EVENTS");
      const about = events.filter((m) => m.data.info?.credentialId === made.body.id).map((m) => m.subject);
      return about.length === 2 && about;
    }).then((subjects) =>
      expect(subjects).toEqual([
        "switchboard.events.acme.natsCredentialCreated",
        "switchboard.events.acme.natsCredentialRevoked",
      ]),
    );
  });

  it("expired, it is refused", async () => {
    const made = await adminA.post("/v1/orgs/acme/nats-credentials", {
      name: "short-lived",
      access: ["subscribe"],
      expiresAt: new Date(Date.now() + 2_000).toISOString(),
    });
    expect(made.status).toBe(201);
    await new Promise((r) => setTimeout(r, 3_000));
    await expect(connectAs(natsUrl, made.body)).rejects.toThrow(/Authorization Violation|expired/i);
  });

  it("refuses bad input with a problem naming the field, a key without the role, and another org's credential", async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await adminA.post("/v1/orgs/acme/nats-credentials", body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    };
    await bad({ name: "x", access: ["everything"] }, "body/access/0");
    await bad({ name: "x", access: [] }, "body/access");
    await bad({ name: "x".repeat(101), access: ["subscribe"] }, "body/name");
    await bad({ name: "x", access: ["subscribe"], expiresAt: "2001-01-01T00:00:00Z" }, "body/expiresAt");
    await bad({ name: "x", access: ["subscribe"], expiresAt: "tomorrow" }, "body/expiresAt");
    await bad({ access: ["subscribe"] }, "body/name");
    expect(
      (await appA.post("/v1/orgs/acme/nats-credentials", { name: "x", access: ["subscribe"] })).status,
    ).toBe(403);
    const betaAdmin = api(
      stack.url,
      (
        await api(stack.url, ADMIN_KEY).post("/v1/orgs/beta/api-keys", {
          name: "admin",
          roles: ["org-admin"],
        })
      ).body.key,
    );
    expect((await betaAdmin.get(`/v1/orgs/beta/nats-credentials/${credentialA.id}`)).status).toBe(404);
    expect((await betaAdmin.delete(`/v1/orgs/beta/nats-credentials/${credentialA.id}`)).status).toBe(404);
    expect((await betaAdmin.get(`/v1/orgs/acme/nats-credentials/${credentialA.id}`)).status).toBe(404);
    // Still live after all that.
    const party = await connectAs(natsUrl, credentialA);
    await party.close();
  });
});

import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { inboxPrefixOfCreds } from "@switchboard/bus";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const enc = new TextEncoder();

/**
 * Services cannot be impersonated: only tenancy's user may take `cmd.tenancy.*` requests, and only
 * the requester reads the replies to its requests.
 */
describe("service users on an authenticated server", () => {
  let server: NatsServer;
  const open: NatsConnection[] = [];
  const as = async (services: string[]) => {
    const file = await server.auth!.serviceCredsFile({ services });
    const creds = readFileSync(file);
    const nc = await connect({
      servers: server.url,
      authenticator: credsAuthenticator(creds),
      inboxPrefix: inboxPrefixOfCreds(creds.toString("utf8"))!,
    });
    open.push(nc);
    return nc;
  };
  const refusedSubscription = async (nc: NatsConnection, subject: string, queue: string) => {
    const refused = new Promise<unknown>((resolve) => {
      nc.subscribe(subject, {
        ...(queue === "" ? {} : { queue }),
        callback: (error) => {
          if (error) resolve(error);
        },
      });
    });
    await nc.flush();
    expect(String(await refused)).toContain(`Permissions Violation for Subscription to "${subject}"`);
  };

  beforeAll(async () => {
    server = await startNatsServer({ auth: true });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.close();
  });

  it("only tenancy answers tenancy's commands: another service cannot take them", async () => {
    const forms = await as(["forms"]);
    await refusedSubscription(forms, "switchboard.cmd.tenancy.authenticate", "tenancy");
    await refusedSubscription(forms, "switchboard.cmd.tenancy.*", "tenancy");
    await refusedSubscription(forms, "switchboard.cmd.>", "tenancy");

    const tenancy = await as(["tenancy"]);
    tenancy.subscribe("switchboard.cmd.tenancy.authenticate", {
      queue: "tenancy",
      callback: (_e, m) => void m.respond(enc.encode('{"ok":true,"result":null}')),
    });
    await tenancy.flush();
    const answer = await forms.request("switchboard.cmd.tenancy.authenticate", enc.encode("{}"), {
      timeout: 5_000,
    });
    expect(answer.string()).toBe('{"ok":true,"result":null}');
  });

  it("a service sees neither another's requests nor the replies to them, so it cannot answer in its place", async () => {
    const forms = await as(["forms"]);
    const plans = await as(["plans"]);
    // Its own inbox only: replies to plans' requests, tenancy's answers included, reach plans alone.
    await refusedSubscription(forms, "_INBOX.plans.>", "");
    await refusedSubscription(forms, "_INBOX.>", "");
    const tenancy = await as(["tenancy"]);
    tenancy.subscribe("switchboard.cmd.tenancy.getOrg", {
      callback: (_e, m) => void m.respond(enc.encode('{"ok":true,"result":"from tenancy"}')),
    });
    await tenancy.flush();
    const answer = await plans.request("switchboard.cmd.tenancy.getOrg", enc.encode("{}"), {
      timeout: 5_000,
    });
    expect(answer.string()).toBe('{"ok":true,"result":"from tenancy"}');
    expect(answer.subject.startsWith("_INBOX.plans.")).toBe(true);
  });

  it("ingress and the desk publish inbound events; the other services do not", async () => {
    const plans = await as(["plans"]);
    await expect(
      plans.request("switchboard.inbound.acme.x", enc.encode("{}"), { timeout: 2_000 }),
    ).rejects.toThrow(`Permissions Violation for Publish to "switchboard.inbound.acme.x"`);
    const ingress = await as(["ingress"]);
    ingress.subscribe("_INBOX.probe", { callback: () => undefined });
    ingress.publish("switchboard.inbound.acme.x", enc.encode("{}"));
    await ingress.flush(); // no violation closes the connection
    expect(ingress.isClosed()).toBe(false);
  });
});

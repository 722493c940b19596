import { describe, expect, it } from "vitest";
import {
  credentialPermissions,
  serviceInboxPrefix,
  servicePermissions,
  SERVICE_NAMES,
} from "./permissions.js";

describe("servicePermissions", () => {
  it("lets a service take its own commands only, and read replies on its own inbox only", () => {
    const forms = servicePermissions("switchboard", ["forms"]);
    expect(forms.sub.allow).toEqual(["_INBOX.forms.>", "switchboard.notify.>", "switchboard.cmd.forms.>"]);
    expect(forms.sub.allow.some((s) => s.includes("tenancy"))).toBe(false);
    expect(forms.pub.allow).toContain("_INBOX.>"); // to answer the requests it receives
    expect(forms.pub.allow).not.toContain(">");
  });

  it("names a process running every service switchboard, and others by their services", () => {
    expect(serviceInboxPrefix(SERVICE_NAMES)).toBe("_INBOX.switchboard");
    expect(serviceInboxPrefix(["plans", "forms"])).toBe("_INBOX.forms+plans");
  });

  it("gives the inbound subjects to ingress and the desk only", () => {
    for (const service of SERVICE_NAMES) {
      const inbound = servicePermissions("ns", [service]).pub.allow.includes("ns.inbound.>");
      expect(inbound, service).toBe(service === "ingress" || service === "dead-letters");
    }
  });

  it("lets ingress alone write key-value buckets (its byte quota counts)", () => {
    for (const service of SERVICE_NAMES) {
      const kv = servicePermissions("ns", [service]).pub.allow.includes("$KV.>");
      expect(kv, service).toBe(service === "ingress");
    }
  });

  it("joins the commands of every service a process runs", () => {
    expect(servicePermissions("sb", ["tenancy", "plans"]).sub.allow).toEqual([
      "_INBOX.plans+tenancy.>",
      "sb.notify.>",
      "sb.cmd.tenancy.>",
      "sb.cmd.plans.>",
    ]);
  });
});

describe("credentialPermissions", () => {
  const scope = { namespace: "switchboard", orgId: "hrh", credentialId: "nc_01", eventsStream: "EVENTS" };

  it("grants exactly the org's subjects for each kind of access", () => {
    expect(credentialPermissions({ ...scope, access: ["subscribe", "publish", "consume"] })).toEqual({
      pub: {
        allow: [
          "switchboard.inbound.hrh.>",
          "$JS.API.CONSUMER.INFO.EVENTS.nc_01",
          "$JS.API.CONSUMER.MSG.NEXT.EVENTS.nc_01",
          "$JS.ACK.EVENTS.nc_01.>",
        ],
        deny: [],
      },
      sub: { allow: ["_INBOX_nc_01.>", "switchboard.events.hrh.>"], deny: [] },
    });
  });

  it("denies every publish when none is granted: an empty allow list would allow all", () => {
    expect(credentialPermissions({ ...scope, access: ["subscribe"] }).pub).toEqual({
      allow: [],
      deny: [">"],
    });
  });

  it("never reaches an inbox but its own", () => {
    const all = credentialPermissions({ ...scope, access: ["subscribe", "publish", "consume"] });
    expect([...all.pub.allow, ...all.sub.allow].filter((s) => s.startsWith("_INBOX"))).toEqual([
      "_INBOX_nc_01.>",
    ]);
  });
});

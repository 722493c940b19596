import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import { buildEvent, type EventEnvelope } from "./envelope.js";
import { EVENT_TYPES, type EventInfo, type EventType } from "./event-types.js";
import { createSchemaRegistry } from "./schema-registry.js";

const SCHEMA_DIR = fileURLToPath(new URL("../../../schemas/events/", import.meta.url));
const registry = createSchemaRegistry();

const planId = "242b7766-ac9e-451f-9fe4-dd54489108c1";
const samples: { [T in EventType]: EventInfo[T] } = {
  planCreated: {
    planId,
    templateName: "sAI-ERComp",
    userId: "2a925299-aee7-4749-bf10-909d3f6c6770",
    isTest: false,
    roleAssignments: [{ roleId: "Patient", userId: "2a925299-aee7-4749-bf10-909d3f6c6770" }],
  },
  formAssigned: {
    planId,
    formName: "AppointmentReminder",
    formAssignmentId: "5d0c7b0e-6c39-4a55-9bd4-7f6f6a0d2f10",
    userId: "patient-7",
    prefill: { appointmentTime: "2026-11-22T09:30:00Z" },
    isTest: true,
  },
  formSubmitted: {
    planId,
    formName: "Intake",
    formAssignmentId: "5d0c7b0e-6c39-4a55-9bd4-7f6f6a0d2f10",
    data: { weightKg: 61.5, smoker: false },
    isTest: false,
  },
  workQueueItemCreated: {
    planId,
    workQueueName: "HomeVisits",
    workQueueItemId: "8f1c2c8e-3b8a-4f7e-9f5e-0d5b8e6c1a22",
    status: "new",
    priority: 2,
    serviceLocation: null,
    isTest: false,
  },
  workQueueItemStatusUpdated: {
    planId,
    workQueueName: "HomeVisits",
    workQueueItemId: "8f1c2c8e-3b8a-4f7e-9f5e-0d5b8e6c1a22",
    status: "scheduled",
    oldStatus: "new",
    priority: 1,
    serviceLocation: "Clinic 3",
    isTest: false,
  },
  webhookEndpointDisabled: {
    subscriptionId: "wh_3f2a9c0d1e4b5a6978",
    url: "https://emr.example/referrals",
    reason: "endpoint answered 410 Gone",
    failingSince: null,
  },
  natsCredentialCreated: {
    credentialId: "nc_6f0d2a9b8c7e4d31",
    name: "scheduling system",
    publicKey: "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4",
    access: ["subscribe", "publish"],
    expiresAt: "2027-06-30T00:00:00.000Z",
  },
  natsCredentialRevoked: {
    credentialId: "nc_6f0d2a9b8c7e4d31",
    name: "scheduling system",
    publicKey: "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4",
  },
};

function sample(eventType: EventType): EventEnvelope {
  return buildEvent({
    namespace: "switchboard",
    orgId: "hrh",
    // Widened to string: the samples table is checked against EventInfo above.
    eventType: eventType as string,
    requestedBy: "15eba04e-0e95-4d03-916e-e6cd9807006b",
    branch: "master",
    info: structuredClone(samples[eventType]),
  });
}

/** A sample as loose JSON, to break it in ways the types would not allow. */
function loose(eventType: EventType): Record<string, any> {
  return structuredClone(sample(eventType)) as Record<string, any>;
}

describe("schema files", () => {
  it("has one schema per event type, and the envelope", () => {
    expect(registry.eventTypes()).toEqual([...EVENT_TYPES].sort());
    expect(readdirSync(SCHEMA_DIR).sort()).toEqual(
      ["envelope.schema.json", ...EVENT_TYPES.map((t) => `${t}.schema.json`)].sort(),
    );
  });

  it.each(readdirSync(SCHEMA_DIR))("%s is 2020-12 with an $id, a title and a description", (file) => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), "utf8"));
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toMatch(new RegExp(`^https://.+/${file.replace(".", "\\.")}$`));
    expect(typeof schema.title).toBe("string");
    expect(typeof schema.description).toBe("string");
  });

  it("gives a copy of a schema, and nothing for an unknown type", () => {
    const schema = registry.schema("planCreated") as { title: string };
    expect(schema.title).toBe("planCreated");
    schema.title = "changed";
    expect((registry.schema("planCreated") as { title: string }).title).toBe("planCreated");
    expect(registry.schema("envelope")).toBeUndefined();
    expect(registry.schema("nope")).toBeUndefined();
  });
});

describe("validate", () => {
  it.each(EVENT_TYPES)("accepts a %s built with buildEvent", (eventType) => {
    expect(registry.validate(eventType, sample(eventType))).toEqual({ ok: true, value: undefined });
  });

  it("accepts the Healix page's planCreated example, with our two fields and a uuid", () => {
    const example = {
      messageId: "0b9c3f3e-8f4e-4c59-9d2a-1d6e2b1f4a11",
      occurredAt: "2026-11-21T10:00:00.000Z",
      messageType: "healix.hrh.planCreated",
      orgId: "hrh",
      requestedBy: "15eba04e-0e95-4d03-916e-e6cd9807006b",
      traceId: "0b9c3f3e-8f4e-4c59-9d2a-1d6e2b1f4a11",
      info: {
        planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
        templateName: "sAI-ERComp",
        userId: "2a925299-aee7-4749-bf10-909d3f6c6770",
        isTest: false,
        roleAssignments: [{ roleId: "Patient", userId: "2a925299-aee7-4749-bf10-909d3f6c6770" }],
      },
      branch: "master",
    };
    expect(registry.validate("planCreated", example).ok).toBe(true);
  });

  it("names a malformed uuid", () => {
    const event = loose("formSubmitted");
    event["info"].formAssignmentId = "not-a-uuid";
    expect(errorsOf("formSubmitted", event)).toEqual([
      { path: "/info/formAssignmentId", message: 'must match format "uuid"', keyword: "format" },
    ]);
  });

  it("names an unknown info field", () => {
    const event = loose("planCreated");
    event["info"].diagnosis = "secret";
    expect(errorsOf("planCreated", event)).toEqual([
      {
        path: "/info/diagnosis",
        message: 'must NOT have unknown property "diagnosis"',
        keyword: "unevaluatedProperties",
      },
    ]);
  });

  it("names an unknown field in a role assignment", () => {
    const event = loose("planCreated");
    event["info"].roleAssignments[0].since = "2020";
    expect(errorsOf("planCreated", event)).toEqual([
      expect.objectContaining({ path: "/info/roleAssignments/0/since", keyword: "additionalProperties" }),
    ]);
  });

  it("names an unknown top-level field", () => {
    const event = loose("workQueueItemCreated");
    event["extra"] = true;
    expect(errorsOf("workQueueItemCreated", event)).toEqual([
      { path: "/extra", message: 'must NOT have unknown property "extra"', keyword: "additionalProperties" },
    ]);
  });

  it.each([
    ["traceId", "/traceId"],
    ["info.planId", "/info/planId"],
    ["info.isTest", "/info/isTest"],
    ["info.serviceLocation", "/info/serviceLocation"],
  ])("names a missing %s", (field, path) => {
    const event = loose("workQueueItemStatusUpdated");
    const [head, tail] = field.split(".") as [string, string | undefined];
    if (tail === undefined) delete event[head];
    else delete event[head][tail];
    expect(errorsOf("workQueueItemStatusUpdated", event)).toEqual([
      { path, message: `must have required property "${path.split("/").pop()}"`, keyword: "required" },
    ]);
  });

  it("refuses a messageType of another type or shape", () => {
    const event = loose("planCreated");
    event["messageType"] = "switchboard.hrh.formSubmitted";
    expect(errorsOf("planCreated", event)).toEqual([
      expect.objectContaining({ path: "/messageType", keyword: "pattern" }),
    ]);
    event["messageType"] = "switchboard.planCreated";
    expect(errorsOf("planCreated", event).map((e) => e.path)).toEqual(["/messageType", "/messageType"]);
  });

  it("refuses a messageType naming another org", () => {
    const event = loose("planCreated");
    event["messageType"] = "switchboard.other.planCreated";
    expect(errorsOf("planCreated", event)).toEqual([
      {
        path: "/messageType",
        message: 'must name orgId "hrh" as its second segment, not "other"',
        keyword: "messageType",
      },
    ]);
  });

  it.each([
    ["occurredAt", "2026-11-21T11:00:00+01:00"],
    ["occurredAt", "yesterday"],
    ["orgId", "h.rh"],
    ["branch", ""],
    ["requestedBy", ""],
    ["requestedBy", "x".repeat(201)],
    ["messageId", "0b9c3f3e"],
  ])("refuses %s = %j", (field, value) => {
    const event = loose("formAssigned");
    event[field] = value;
    expect(errorsOf("formAssigned", event).map((e) => e.path)).toContain(`/${field}`);
  });

  it("checks types inside info", () => {
    const event = loose("workQueueItemCreated");
    event["info"].priority = 1.5;
    event["info"].serviceLocation = 3;
    event["info"].isTest = "no";
    expect(errorsOf("workQueueItemCreated", event)).toEqual([
      { path: "/info/isTest", message: "must be boolean", keyword: "type" },
      { path: "/info/priority", message: "must be integer", keyword: "type" },
      { path: "/info/serviceLocation", message: "must be string,null", keyword: "type" },
    ]);
  });

  it("takes a webhookEndpointDisabled without plan fields, with or without a failing time", () => {
    const event = loose("webhookEndpointDisabled");
    event["info"].failingSince = "2026-11-20T08:00:00.000Z";
    expect(registry.validate("webhookEndpointDisabled", event).ok).toBe(true);
    event["info"].planId = planId;
    expect(errorsOf("webhookEndpointDisabled", event)).toEqual([
      expect.objectContaining({ path: "/info/planId", keyword: "additionalProperties" }),
    ]);
    delete event["info"].planId;
    delete event["info"].reason;
    expect(errorsOf("webhookEndpointDisabled", event)).toEqual([
      expect.objectContaining({ path: "/info/reason", keyword: "required" }),
    ]);
  });

  it("refuses what is not an object", () => {
    for (const value of [null, "event", 42, []]) {
      expect(errorsOf("planCreated", value)).toEqual([
        { path: "", message: "must be object", keyword: "type" },
      ]);
    }
  });

  it("answers an unknown event type with an error, not a throw", () => {
    expect(errorsOf("planDeleted", sample("planCreated"))).toEqual([
      expect.objectContaining({
        path: "",
        keyword: "eventType",
        message: expect.stringContaining('"planDeleted"'),
      }),
    ]);
  });
});

describe("a broken schema directory", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function dirWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "event-schemas-"));
    dirs.push(dir);
    writeFileSync(join(dir, "envelope.schema.json"), readFileSync(join(SCHEMA_DIR, "envelope.schema.json")));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  const id = (file: string) => `https://example.test/schemas/${file}`;

  it.each([
    ["not JSON", "{ nope", /thing\.schema\.json is broken/],
    [
      "an unknown keyword (strict mode)",
      JSON.stringify({ $id: id("thing.schema.json"), type: "object", colour: 1 }),
      /colour/,
    ],
    [
      "a missing $ref target",
      JSON.stringify({ $id: id("thing.schema.json"), $ref: "missing.schema.json" }),
      /missing\.schema\.json/,
    ],
    [
      "no $id",
      JSON.stringify({ type: "object" }),
      /\$id must be an absolute URI ending in "\/thing\.schema\.json"/,
    ],
  ])("fails at creation, naming the file, for %s", (_, text, message) => {
    const dir = dirWith({ "thing.schema.json": text });
    expect(() => createSchemaRegistry({ dir })).toThrowError(message);
    expect(() => createSchemaRegistry({ dir })).toThrowError(
      expect.objectContaining({ code: ErrorCodes.Validation }),
    );
  });

  it("fails for a file name that is not an event type token", () => {
    const dir = dirWith({ "bad.name.schema.json": JSON.stringify({ $id: id("bad.name.schema.json") }) });
    expect(() => createSchemaRegistry({ dir })).toThrowError(/bad\.name\.schema\.json is broken/);
  });

  it("fails for a directory that does not exist or has no envelope", () => {
    expect(() => createSchemaRegistry({ dir: join(tmpdir(), "no-such-event-schemas") })).toThrowError(
      /cannot read directory/,
    );
    const empty = mkdtempSync(join(tmpdir(), "event-schemas-"));
    dirs.push(empty);
    expect(() => createSchemaRegistry({ dir: empty })).toThrowError(/has no envelope\.schema\.json/);
  });

  it("loads a directory given as a URL", () => {
    const dir = dirWith({});
    expect(createSchemaRegistry({ dir: pathToFileURL(`${dir}/`) }).eventTypes()).toEqual([]);
  });
});

function errorsOf(eventType: string, value: unknown) {
  const result = registry.validate(eventType, value);
  if (result.ok) throw new Error(`expected ${eventType} to be refused`);
  return result.error;
}

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EVENT_TYPES } from "./event-types.js";
import { createSchemaRegistry } from "./schema-registry.js";

const DOC_URL = new URL("../../../schemas/asyncapi.yaml", import.meta.url);
const doc = parse(readFileSync(DOC_URL, "utf8")) as Record<string, any>;

/** Every `$ref` in the document, with where it sits. */
function refs(node: unknown, at = ""): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refs(item, `${at}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "$ref" && typeof value === "string" ? [{ at, ref: value }] : refs(value, `${at}/${key}`),
  );
}

function resolvePointer(root: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], root);
}

describe("asyncapi.yaml", () => {
  it("is an AsyncAPI 3.0.0 document", () => {
    expect(doc["asyncapi"]).toBe("3.0.0");
    expect(doc["info"]).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it("points every file $ref at a schema file that exists", () => {
    const fileRefs = refs(doc).filter(({ ref }) => !ref.startsWith("#"));
    expect(fileRefs.length).toBeGreaterThanOrEqual(EVENT_TYPES.length);
    for (const { at, ref } of fileRefs) {
      const path = fileURLToPath(new URL(ref.split("#")[0] ?? "", DOC_URL));
      expect(existsSync(path), `${at}: ${ref}`).toBe(true);
    }
  });

  it("resolves every internal $ref", () => {
    for (const { at, ref } of refs(doc).filter(({ ref }) => ref.startsWith("#"))) {
      expect(resolvePointer(doc, ref.slice(1)), `${at}: ${ref}`).toBeDefined();
    }
  });

  it.each(EVENT_TYPES)("has a channel for %s with its schema as payload", (eventType) => {
    const channel = doc["channels"][eventType];
    expect(channel.address).toBe(`{ns}.events.{orgId}.${eventType}`);
    const message = resolvePointer(
      doc,
      (Object.values(channel.messages)[0] as { $ref: string }).$ref.slice(1),
    );
    expect(message).toMatchObject({ payload: { schema: { $ref: `./events/${eventType}.schema.json` } } });
    const operations = Object.values(doc["operations"]) as { action: string; channel: { $ref: string } }[];
    const actions = operations
      .filter((op) => op.channel.$ref === `#/channels/${eventType}`)
      .map((op) => op.action);
    expect(actions.sort()).toEqual(["receive", "send"]);
  });

  it("declares every parameter its channel addresses use", () => {
    for (const [name, channel] of Object.entries(doc["channels"] as Record<string, any>)) {
      const used = [...String(channel.address ?? "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(channel.parameters ?? {}).sort(), name).toEqual(used.sort());
    }
  });

  it("documents the inbound, dead-letter and command subjects", () => {
    const addresses = Object.values(doc["channels"] as Record<string, { address: string | null }>).map(
      (c) => c.address,
    );
    expect(addresses).toEqual(
      expect.arrayContaining([
        "{ns}.inbound.{orgId}.{eventName}",
        "{ns}.dlq.{orgId}.{stage}",
        "{ns}.cmd.tenancy.authenticate",
        "{ns}.cmd.plans.createPlan",
        "{ns}.cmd.plans.getPlan",
        "{ns}.cmd.forms.assignForm",
        "{ns}.cmd.forms.submitForm",
        "{ns}.cmd.work-queues.createItem",
        "{ns}.cmd.work-queues.setItemStatus",
      ]),
    );
    const dlqHeaders = Object.keys(doc["components"]["schemas"]["deadLetterHeaders"]["properties"]);
    for (const suffix of [
      "Origin-Stream",
      "Origin-Seq",
      "Origin-Subject",
      "Origin-Consumer",
      "Stage",
      "Reason",
      "Details",
      "Deliveries",
    ]) {
      expect(dlqHeaders).toContain(`Switchboard-${suffix}`);
    }
  });

  it("gives every command operation a reply", () => {
    for (const [id, operation] of Object.entries(doc["operations"] as Record<string, any>)) {
      const channel = resolvePointer(doc, operation.channel.$ref.slice(1)) as { address: string | null };
      if (channel.address?.includes(".cmd.")) expect(operation.reply?.messages?.length, id).toBe(1);
    }
  });

  it("has event examples that pass the event schemas", () => {
    const registry = createSchemaRegistry();
    for (const eventType of EVENT_TYPES) {
      const message = doc["components"]["messages"][eventType];
      for (const example of message.examples ?? []) {
        expect(registry.validate(eventType, example.payload), `${eventType} example ${example.name}`).toEqual(
          {
            ok: true,
            value: undefined,
          },
        );
        expect(example.headers["Nats-Msg-Id"]).toBe(example.payload.messageId);
      }
    }
  });
});

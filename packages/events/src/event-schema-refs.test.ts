import { describe, expect, it } from "vitest";
import { createEventRefResolver } from "./event-schema-refs.js";

describe("event schema references", () => {
  const resolve = createEventRefResolver();

  it("resolves a fragment of another event schema file, by file name or by $id", () => {
    expect(resolve("envelope.schema.json#/$defs/shortText")).toMatchObject({
      type: "string",
      maxLength: 200,
    });
    expect(
      resolve("https://switchboard.example/schemas/events/envelope.schema.json#/$defs/token"),
    ).toMatchObject({ type: "string" });
  });

  it("qualifies the fragment's local references with its file", () => {
    expect(resolve("envelope.schema.json#/$defs/userId")).toMatchObject({
      $ref: "envelope.schema.json#/$defs/shortText",
    });
    const whole = resolve("envelope.schema.json") as { properties: { orgId: { $ref: string } } };
    expect(whole.properties.orgId.$ref).toBe("envelope.schema.json#/$defs/token");
  });

  it("resolves nothing outside the event schemas", () => {
    expect(resolve("../../package.json")).toBeUndefined();
    expect(resolve("missing.schema.json#/x")).toBeUndefined();
    expect(resolve("envelope.schema.json#/$defs/nope")).toBeUndefined();
    expect(resolve("envelope.schema.json#/$defs/__proto__")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import { compileParamsValidator } from "./params-validator.js";

describe("compileParamsValidator", () => {
  const check = compileParamsValidator<{ planId: string }>(
    {
      type: "object",
      properties: { planId: { type: "string", format: "uuid" } },
      required: ["planId"],
      additionalProperties: false,
    },
    "getPlan params",
  );

  it("returns valid params typed", () => {
    const id = "242b7766-ac9e-451f-9fe4-dd54489108c1";
    expect(check({ planId: id })).toEqual({ planId: id });
  });

  it("throws a validation error naming each problem", () => {
    expect(() => check({ planId: "nope", extra: 1 })).toThrowError(
      expect.objectContaining({
        code: ErrorCodes.Validation,
        message: expect.stringContaining("getPlan params is invalid"),
        details: expect.arrayContaining([
          expect.objectContaining({ path: "/planId" }),
          expect.objectContaining({ path: "/extra" }),
        ]),
      }),
    );
  });
});

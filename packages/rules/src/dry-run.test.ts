import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { err, ok, type Result } from "@switchboard/errors";
import { compileRule, dryRun } from "./index.js";
import { EXAMPLE_RULE, SLOT_BOOKED_PAYLOAD, SLOT_BOOKED_SCHEMA } from "./test-fixtures.js";

/** A payload validator as the engine builds one from the inbound definition. */
function validatorFor(
  schema: object,
): (payload: unknown) => Result<void, { path: string; message: string }[]> {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (payload) =>
    validate(payload)
      ? ok(undefined)
      : err((validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? "" })));
}

const rule = compileRule(EXAMPLE_RULE, { version: 1 });
const validate = validatorFor(SLOT_BOOKED_SCHEMA);

describe("dryRun", () => {
  test("says the sample is valid, the rule matches, and what would be sent", () => {
    expect(dryRun(rule, SLOT_BOOKED_PAYLOAD, validate)).toEqual({
      valid: true,
      matched: true,
      actions: [
        {
          index: 0,
          type: "assignForm",
          target: { kind: "command", service: "forms", command: "assignForm" },
          params: {
            formName: "AppointmentReminder",
            userId: "patient-7",
            plan: { templateName: "maternity-care" },
            prefill: { appointmentTime: "2026-11-24T09:30:00Z" },
          },
        },
      ],
    });
  });

  test("says when the rule would not match", () => {
    expect(dryRun(rule, { ...SLOT_BOOKED_PAYLOAD, status: "cancelled" }, validate)).toEqual({
      valid: true,
      matched: false,
      actions: [],
    });
  });

  test("reports schema errors of an invalid sample and does not evaluate it, as the engine would not", () => {
    const result = dryRun(rule, { ...SLOT_BOOKED_PAYLOAD, slot: { start: "tomorrow" } }, validate);
    expect(result).toMatchObject({ valid: false, matched: false, actions: [] });
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: "/slot", message: "must have required property 'end'" },
        { path: "/slot/start", message: 'must match format "date-time"' },
      ]),
    );
  });

  test("shows the run-time error and the resolved values that caused it", () => {
    const loose = compileRule({ ...EXAMPLE_RULE, when: true }, { version: 1 });
    const result = dryRun(loose, { patientId: 7, slot: { start: "x" } });
    expect(result).toMatchObject({
      valid: true,
      matched: true,
      error: "action 0 (assignForm): userId must be a string, got 7",
      actions: [{ params: { userId: 7 } }],
    });
  });

  test("evaluates without a validator", () => {
    expect(dryRun(rule, SLOT_BOOKED_PAYLOAD)).toMatchObject({ valid: true, matched: true });
  });
});

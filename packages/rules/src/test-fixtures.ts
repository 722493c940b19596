/** Shared by the tests: the ARCHITECTURE example and the schemas it is checked against. */
import type { RuleDocument, Trigger, ValidationContext } from "./types.js";

/** What a scheduling system posts when it books a slot. */
export const SLOT_BOOKED_SCHEMA = {
  type: "object",
  properties: {
    bookingId: { type: "string" },
    status: { type: "string", enum: ["booked", "cancelled"] },
    patientId: { type: "string" },
    slot: {
      type: "object",
      properties: {
        start: { type: "string", format: "date-time" },
        end: { type: "string", format: "date-time" },
        location: { type: "string" },
      },
      required: ["start", "end"],
      additionalProperties: false,
    },
    tags: { type: "array", items: { type: "string" } },
    extra: { type: "object" },
  },
  required: ["bookingId", "status", "patientId", "slot"],
  additionalProperties: false,
};

export const SLOT_BOOKED_PAYLOAD = {
  bookingId: "b-1",
  status: "booked",
  patientId: "patient-7",
  slot: { start: "2026-11-24T09:30:00Z", end: "2026-11-24T10:00:00Z", location: "Room 3" },
};

/** The rule of ARCHITECTURE §8, as a content manager writes it. */
export const EXAMPLE_RULE: RuleDocument = {
  id: "slot-booked-assigns-reminder",
  description: "When the scheduling system books a slot, give the patient the reminder form",
  enabled: true,
  on: { inbound: "scheduling.slotBooked" },
  when: { "==": [{ var: "status" }, "booked"] },
  actions: [
    {
      assignForm: {
        formName: "AppointmentReminder",
        userId: { var: "patientId" },
        plan: { templateName: "maternity-care" },
        prefill: { appointmentTime: { var: "slot.start" } },
      },
    },
  ],
};

/** A small envelope + event type pair that reference each other as the real event schemas do. */
export const ENVELOPE_FILE = {
  $id: "https://example.test/events/envelope.schema.json",
  type: "object",
  properties: {
    messageId: { $ref: "#/$defs/uuid" },
    orgId: { type: "string" },
    info: { type: "object" },
  },
  additionalProperties: false,
  $defs: {
    uuid: { type: "string", format: "uuid" },
    name: { type: "string", minLength: 1 },
    planInfo: {
      type: "object",
      properties: { planId: { $ref: "#/$defs/uuid" }, isTest: { type: "boolean" } },
      required: ["planId", "isTest"],
    },
  },
};

export const FORM_SUBMITTED_SCHEMA = {
  $id: "https://example.test/events/formSubmitted.schema.json",
  $ref: "envelope.schema.json",
  type: "object",
  properties: {
    info: {
      $ref: "envelope.schema.json#/$defs/planInfo",
      type: "object",
      properties: {
        formName: { $ref: "envelope.schema.json#/$defs/name" },
        data: { type: "object" },
      },
      unevaluatedProperties: false,
    },
  },
  unevaluatedProperties: false,
};

/** Resolves refs the way a schema directory would: by file name, the fragment left to the caller. */
export function resolveRef(ref: string): object | undefined {
  return ref === "envelope.schema.json" ? ENVELOPE_FILE : undefined;
}

export function validationContext(): ValidationContext {
  return {
    triggerSchema: (trigger: Trigger) => {
      if ("inbound" in trigger)
        return trigger.inbound === "scheduling.slotBooked" ? SLOT_BOOKED_SCHEMA : undefined;
      return trigger.event === "formSubmitted" ? FORM_SUBMITTED_SCHEMA : undefined;
    },
    resolveRef,
  };
}

/** A value nested `depth` levels: {"a": {"a": … }}. */
export function deeplyNested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

export function deeplyNestedArray(depth: number): unknown {
  let value: unknown = [1];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

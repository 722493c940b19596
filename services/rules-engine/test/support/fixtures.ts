/** The ARCHITECTURE example: a scheduling system books a slot, the patient gets a reminder form. */
export const SLOT_BOOKED = "scheduling.slotBooked";

export const slotSchema = {
  type: "object",
  properties: {
    status: { type: "string", enum: ["booked", "cancelled"] },
    patientId: { type: "string", minLength: 1 },
    slot: {
      type: "object",
      properties: { start: { type: "string", format: "date-time" }, room: { type: "string" } },
      required: ["start"],
      additionalProperties: false,
    },
  },
  required: ["status", "patientId", "slot"],
  // Closed objects: a rule reading a field the event does not have is refused when saved.
  additionalProperties: false,
};

export const slotDefinition = {
  description: "A slot was booked in the scheduling system",
  schema: slotSchema,
};

export function reminderRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "slot-booked-assigns-reminder",
    description: "When the scheduling system books a slot, give the patient the reminder form",
    enabled: true,
    on: { inbound: SLOT_BOOKED },
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
    ...overrides,
  };
}

export const bookedPayload = {
  status: "booked",
  patientId: "p-1",
  slot: { start: "2026-11-21T10:00:00Z", room: "3" },
};

/** An event whose `slot` lists its fields but leaves the object open: reading another field is only warned of. */
export const SLOT_OFFERED = "scheduling.slotOffered";

export const openSlotDefinition = {
  description: "A slot was offered to a patient; the scheduling system may add fields to the slot",
  schema: {
    type: "object",
    properties: {
      patientId: { type: "string", minLength: 1 },
      slot: {
        type: "object",
        properties: { start: { type: "string", format: "date-time" }, room: { type: "string" } },
        required: ["start"],
      },
    },
    required: ["patientId", "slot"],
    additionalProperties: false,
  },
};

/** The reminder rule on the open event, reading `slot.strat` for `slot.start`. */
export function typoRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return reminderRule({
    id: "slot-offered-typo",
    on: { inbound: SLOT_OFFERED },
    when: { "!!": { var: "slot.strat" } },
    ...overrides,
  });
}

export const TYPO_WARNING = {
  path: "/when/!!/var",
  code: "undeclared-path",
  message: `var "slot.strat" is not declared in the schema of inbound event "${SLOT_OFFERED}" (did you mean "slot.start"?)`,
};

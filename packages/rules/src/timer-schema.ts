/**
 * The `timer` member of a rule as schemas/rule.schema.json publishes it, for editors and offline
 * checks; the validator reports problems inside it with its own messages (timer-check.ts).
 */
export const TIMER_SCHEMA = {
  description:
    "Run the actions later instead of now: `after` a duration from the message's time, or `at` a date-time from the payload (moved by `offset`). A follow-up message of `cancelOn.on` whose `cancelOn.key` equals `key` cancels the pending timer.",
  type: "object",
  properties: {
    after: {
      description:
        'An ISO 8601 duration of weeks, days, hours, minutes, seconds from the message\'s time, e.g. "P3D".',
      type: "string",
    },
    at: {
      description:
        'When the timer is due: a date-time with a zone, as a literal or a JSON Logic expression, e.g. {"var": "slot.start"}.',
    },
    offset: {
      description: 'A signed ISO 8601 duration added to `at`, e.g. "-PT24H" for a day before.',
      type: "string",
    },
    key: {
      description:
        "What a follow-up cancels the timer by, e.g. the formAssignmentId. A literal or a JSON Logic expression over the payload.",
    },
    cancelOn: {
      description:
        "The follow-up that cancels a pending timer: its trigger, an optional condition, and its key.",
      type: "object",
      properties: {
        on: { $ref: "#/properties/on" },
        when: { description: "JSON Logic over the follow-up; it cancels only when truthy. Default: always." },
        key: {
          description:
            "The follow-up's value that must equal the timer's key. A JSON Logic expression over the follow-up.",
        },
      },
      required: ["on", "key"],
      additionalProperties: false,
    },
  },
  oneOf: [{ required: ["after"] }, { required: ["at"] }],
  dependentRequired: { offset: ["at"], cancelOn: ["key"] },
  additionalProperties: false,
} as const;

import { ACTION_SPECS } from "./action-specs.js";
import { ALLOWED_OPERATORS } from "./logic-shape.js";
import { FOR_EACH, FOR_EACH_SCHEMA } from "./for-each.js";
import { TIMER_SCHEMA } from "./timer-schema.js";
import { ACTION_TYPES } from "./types.js";
import { MAX_TABLE_ENTRIES, MAX_TABLES } from "./rule-tables.js";

/** The patterns of names, as in the events package: subject-safe tokens, inbound names dotted. */
export const RULE_ID_PATTERN = "^[A-Za-z0-9_.-]{1,100}$";
export const EVENT_TYPE_PATTERN = "^[A-Za-z0-9_-]{1,64}$";
export const INBOUND_NAME_PATTERN = "^[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64})*$";

const ACTION_DEFS = Object.fromEntries(
  ACTION_TYPES.map((type) => {
    const spec = ACTION_SPECS[type];
    const properties = Object.fromEntries(
      Object.entries(spec.params).map(([name, param]) => [
        name,
        { description: `${param.description} A literal or a JSON Logic expression.` },
      ]),
    );
    const def: Record<string, unknown> = {
      description: spec.description,
      type: "object",
      properties,
      required: Object.entries(spec.params)
        .filter(([, p]) => p.required)
        .map(([name]) => name),
      additionalProperties: false,
    };
    if (spec.oneOf !== undefined) {
      const groups = spec.oneOf.map((group) => ({ oneOf: group.map((name) => ({ required: [name] })) }));
      if (groups.length === 1) Object.assign(def, groups[0]);
      else def["allOf"] = groups;
    }
    return [type, def];
  }),
);

/** What our operators (beside json-logic-js's) take, for editors. */
const OPERATOR_NOTES =
  "upper/lower [value]; lookup [table, key, default?] (a table of `tables`); " +
  "date_parse [text, format, zone?] → ISO 8601 UTC; date_format [date, format, zone?]; " +
  "date_add [date, ISO 8601 duration such as P3D or -PT24H, zone?]; date_diff [from, to, unit] " +
  "(milliseconds, seconds, minutes, hours, days, weeks); now [] = the message's time. " +
  'Formats: yyyy MM M dd d HH H mm ss SSS XXX, text in single quotes, or "iso"; zones are IANA names.';

/**
 * The rule document, as schemas/rule.schema.json publishes it (a test keeps the file equal to this).
 * Action items are described in full for editors and offline checks; the validator itself reports
 * problems inside an action with its own messages (which name the action and suggest a fix).
 */
export const RULE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://switchboard.example/schemas/rule.schema.json",
  title: "Switchboard rule",
  description:
    "A rule a content manager writes: when an inbound event (or a system event) arrives and `when` holds, run `actions`. Every action parameter may be a JSON Logic expression over the event.",
  type: "object",
  properties: {
    $schema: { description: "The schema this file follows, for editors; ignored.", type: "string" },
    id: { description: "The rule's id within the org.", type: "string", pattern: RULE_ID_PATTERN },
    description: { type: "string", maxLength: 1000 },
    enabled: { description: "Default true. A disabled rule is kept but never runs.", type: "boolean" },
    on: {
      description:
        'The trigger: {"inbound": "<declared inbound event name>"} or {"event": "<system event type>"}.',
      type: "object",
      properties: {
        inbound: {
          description: "A declared inbound event: dotted tokens, e.g. scheduling.slotBooked.",
          type: "string",
          maxLength: 128,
          pattern: INBOUND_NAME_PATTERN,
        },
        event: {
          description:
            "A system event type, e.g. formSubmitted; `var` paths then read the whole event (info.formName).",
          type: "string",
          pattern: EVENT_TYPE_PATTERN,
        },
      },
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
    },
    when: {
      description: `JSON Logic over the payload; the rule runs when it is truthy. Default: always. Operators: ${ALLOWED_OPERATORS.join(" ")}. ${OPERATOR_NOTES}`,
    },
    actions: { type: "array", minItems: 1, maxItems: 20, items: { $ref: "#/$defs/action" } },
    tables: {
      description:
        'Small tables the `lookup` operator reads, by name: {"wards": {"W1": "North wing"}}; {"lookup": ["wards", {"var": "ward"}, "unknown"]}.',
      type: "object",
      maxProperties: MAX_TABLES,
      propertyNames: { pattern: "^[A-Za-z0-9_-]{1,64}$" },
      additionalProperties: { type: "object", maxProperties: MAX_TABLE_ENTRIES },
    },
    timer: TIMER_SCHEMA,
  },
  required: ["id", "on", "actions"],
  additionalProperties: false,
  $defs: {
    action: {
      description:
        'One action: an object with exactly one key, the action type, whose value holds its parameters, e.g. {"assignForm": {…}}.',
      type: "object",
      properties: Object.fromEntries(
        [...ACTION_TYPES, FOR_EACH].map((type) => [type, { $ref: `#/$defs/${type}` }]),
      ),
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
    },
    ...ACTION_DEFS,
    [FOR_EACH]: FOR_EACH_SCHEMA,
  },
} as const;

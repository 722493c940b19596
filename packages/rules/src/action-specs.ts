import type { ActionTarget, ActionType } from "./types.js";

export interface ParamSpec {
  required: boolean;
  /** JSON Schema (2020-12) of the value after every expression in it is resolved. */
  schema: object;
  description: string;
}

export interface ActionSpec {
  target: ActionTarget;
  description: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** Groups of params of which exactly one must be given. */
  oneOf?: readonly (readonly string[])[];
}

// The same limits as the commands these actions become, so a rule is refused when it is saved
// rather than failing in the domain service at run time.
const NAME = { type: "string", minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.-]+$" };
const USER_ID = { type: "string", minLength: 1, maxLength: 200 };
const UUID = { type: "string", format: "uuid" };
const STATUS = { type: "string", minLength: 1, maxLength: 100 };

/** The system event types the platform's services publish; a rule must not forge them. */
export const PLATFORM_EVENT_TYPES: readonly string[] = Object.freeze([
  "planCreated",
  "formAssigned",
  "formSubmitted",
  "workQueueItemCreated",
  "workQueueItemStatusUpdated",
  "webhookEndpointDisabled",
  "natsCredentialCreated",
  "natsCredentialRevoked",
]);

const command = (service: string, name: string): ActionTarget => ({
  kind: "command",
  service,
  command: name,
});
const required = (schema: object, description: string): ParamSpec => ({
  required: true,
  schema,
  description,
});
const optional = (schema: object, description: string): ParamSpec => ({
  required: false,
  schema,
  description,
});

export const ACTION_SPECS: Readonly<Record<ActionType, ActionSpec>> = deepFreeze({
  assignForm: {
    target: command("forms", "assignForm"),
    description: "Assign a form to a user, in a plan given by id or as the user's latest plan of a template.",
    params: {
      formName: required(NAME, "The form to assign (a form of the plan's template)."),
      userId: required(USER_ID, "The user who gets the form."),
      planId: optional(UUID, "The plan, by id. Give this or plan."),
      plan: optional(
        {
          type: "object",
          properties: { templateName: NAME },
          required: ["templateName"],
          additionalProperties: false,
        },
        'The user\'s latest plan of a template: {"templateName": …}. Give this or planId.',
      ),
      prefill: optional({ type: "object" }, "Initial answers of the form, by field name."),
    },
    oneOf: [["planId", "plan"]],
  },
  createWorkQueueItem: {
    target: command("work-queues", "createItem"),
    description: "Put an item for a plan on a work queue.",
    params: {
      queue: required(NAME, "The work queue's name."),
      planId: required(UUID, "The plan the item is about."),
      priority: required({ type: "integer", minimum: 0, maximum: 1000 }, "0 to 1000."),
      serviceLocation: optional(
        { type: ["string", "null"], maxLength: 500 },
        "Where the service happens, or null.",
      ),
      status: optional(STATUS, "The initial status (default: the queue's first status)."),
    },
  },
  setWorkQueueItemStatus: {
    target: command("work-queues", "setItemStatus"),
    description: "Change the status (and optionally the priority) of a work-queue item.",
    params: {
      workQueueItemId: required(UUID, "The item."),
      status: required(STATUS, "The new status (one of the queue's statuses)."),
      priority: optional({ type: "integer", minimum: 0, maximum: 1000 }, "A new priority, 0 to 1000."),
    },
  },
  createPlan: {
    target: command("plans", "createPlan"),
    description: "Create a plan of a template for a user.",
    params: {
      templateName: required(NAME, "The plan template."),
      userId: required(USER_ID, "The user the plan is for."),
      isTest: optional({ type: "boolean" }, "True for a test user's plan."),
      roleAssignments: optional(
        {
          type: "array",
          maxItems: 100,
          items: {
            type: "object",
            properties: { roleId: NAME, userId: USER_ID },
            required: ["roleId", "userId"],
            additionalProperties: false,
          },
        },
        'Who holds which role of the plan: [{"roleId": …, "userId": …}].',
      ),
    },
  },
  emit: {
    target: { kind: "emit" },
    description: "Publish a custom system event of the org.",
    params: {
      eventType: required(
        {
          type: "string",
          pattern: "^[A-Za-z0-9_-]{1,64}$",
          not: {
            enum: [...PLATFORM_EVENT_TYPES],
            $comment: `only the platform publishes its own event types (${PLATFORM_EVENT_TYPES.join(", ")}); choose a custom event type`,
          },
        },
        `The custom event type (a token). Not one of the platform's own event types (${PLATFORM_EVENT_TYPES.join(", ")}): those only the platform publishes.`,
      ),
      info: required({ type: "object" }, "The event's info object."),
    },
  },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

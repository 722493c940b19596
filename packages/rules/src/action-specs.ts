import {
  EVENT_TYPES,
  formsContract,
  plansContract,
  workQueuesContract,
  type CommandName,
  type Contract,
} from "@switchboard/contracts";
import type { ActionTarget, ActionType } from "./types.js";

export interface ParamSpec {
  required: boolean;
  /** JSON Schema (2020-12) of the value after every expression in it is resolved. */
  schema: object;
  description: string;
  /** The value is another action, `{"<actionType>": {…}}`, resolved to the command it would send. */
  nestedAction?: true;
}

export interface ActionSpec {
  target: ActionTarget;
  description: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** Groups of params of which exactly one must be given. */
  oneOf?: readonly (readonly string[])[];
}

/** The system event types the platform's services publish; a rule must not forge them. */
export const PLATFORM_EVENT_TYPES: readonly string[] = EVENT_TYPES;

const required = (schema: object, description: string): ParamSpec => ({
  required: true,
  schema,
  description,
});

type ParamsSchema = {
  readonly properties: Readonly<Record<string, object>>;
  readonly required?: readonly string[];
  readonly oneOf?: readonly { readonly required: readonly string[] }[];
};

type ParamNames<S> = S extends { readonly properties: infer P } ? keyof P & string : never;

/**
 * An action that becomes a command: its parameters are the command's, with the command's own
 * schemas (so a rule is refused when it is saved rather than failing in the domain service at run
 * time), each described for rule authors, in the order given.
 */
function commandAction<C extends Contract, K extends CommandName<C>>(
  contract: C,
  name: K,
  description: string,
  params: { readonly [P in ParamNames<C["commands"][K]["params"]>]: string },
): ActionSpec {
  const schema = contract.commands[name]!.params as ParamsSchema;
  const needed = new Set(schema.required ?? []);
  return {
    target: { kind: "command", service: contract.service, command: name },
    description,
    params: Object.fromEntries(
      Object.entries(params as Record<string, string>).map(([param, about]) => [
        param,
        { required: needed.has(param), schema: schema.properties[param]!, description: about },
      ]),
    ),
    // `oneOf: [{ required: ["a"] }, { required: ["b"] }]`: exactly one of a and b.
    ...(schema.oneOf === undefined ? {} : { oneOf: [schema.oneOf.flatMap((branch) => branch.required)] }),
  };
}

export const ACTION_SPECS: Readonly<Record<ActionType, ActionSpec>> = deepFreeze({
  assignForm: commandAction(
    formsContract,
    "assignForm",
    "Assign a form to a user, in a plan given by id or as the user's latest plan of a template.",
    {
      formName: "The form to assign (a form of the plan's template).",
      userId: "The user who gets the form.",
      planId: "The plan, by id. Give this or plan.",
      plan: 'The user\'s latest plan of a template: {"templateName": …}. Give this or planId.',
      prefill: "Initial answers of the form, by field name.",
    },
  ),
  createWorkQueueItem: commandAction(
    workQueuesContract,
    "createItem",
    "Put an item for a plan on a work queue.",
    {
      queue: "The work queue's name.",
      planId: "The plan the item is about.",
      priority: "0 to 1000.",
      serviceLocation: "Where the service happens, or null.",
      status: "The initial status (default: the queue's first status).",
      key: "The item's key in the queue, for updateWorkQueueItemByKey (one item per key).",
      assignee: "The user the item is for.",
    },
  ),
  setWorkQueueItemStatus: commandAction(
    workQueuesContract,
    "setItemStatus",
    "Change the status (and optionally the priority) of a work-queue item.",
    {
      workQueueItemId: "The item.",
      status: "The new status (one of the queue's statuses).",
      priority: "A new priority, 0 to 1000.",
    },
  ),
  createPlan: commandAction(plansContract, "createPlan", "Create a plan of a template for a user.", {
    templateName: "The plan template.",
    userId: "The user the plan is for.",
    isTest: "True for a test user's plan.",
    roleAssignments: 'Who holds which role of the plan: [{"roleId": …, "userId": …}].',
  }),
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
  recordFormSubmission: commandAction(
    formsContract,
    "recordSubmission",
    "Store a form filled in another system on the person's plan: assigned and submitted at once (formAssigned, formSubmitted).",
    {
      formName: "The form (a form of the plan's template).",
      userId: "The person whose form it is.",
      planId: "The plan, by id. Give this or plan.",
      plan: 'The person\'s latest plan of a template: {"templateName": …}. Give this or planId.',
      data: "The answers, by field name.",
    },
  ),
  updateWorkQueueItemByKey: commandAction(
    workQueuesContract,
    "updateItemByKey",
    "Change the status (and optionally the priority) of the item a queue holds under a key, rather than by its id.",
    {
      queue: "The work queue's name.",
      key: "The key the item was created with.",
      status: "The new status (one of the queue's statuses).",
      priority: "A new priority, 0 to 1000.",
    },
  ),
  proposeChange: proposal(),
});

/**
 * A change that must not apply itself: a work-queue item for its assignee, holding the command
 * another action would send. Approving the item runs it (through the same idempotent command).
 */
function proposal(): ActionSpec {
  const spec = commandAction(
    workQueuesContract,
    "proposeChange",
    "Put a change on a work queue for someone to approve or reject, instead of applying it; approving applies it once.",
    {
      queue: "The work queue's name.",
      planId: "The plan the item is about.",
      priority: "0 to 1000.",
      assignee: "The user who decides.",
      summary: "What the change is, for the assignee.",
      change:
        'The action to apply once approved, e.g. {"updateWorkQueueItemByKey": {…}}; not emit, forEach or proposeChange.',
      serviceLocation: "Where the service happens, or null.",
      status: "The item's initial status (default: the queue's first status).",
      key: "The item's key in the queue.",
    },
  );
  const change = spec.params["change"]!;
  return {
    ...spec,
    params: { ...spec.params, change: { ...change, schema: { type: "object" }, nestedAction: true } },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

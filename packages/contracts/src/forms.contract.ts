import { defineContract } from "./contract.js";
import { NAME, OBJECT, TIMESTAMP, USER_ID, UUID } from "./fragments.js";

/** Where a form assignment is: assigned until its submission, then submitted. */
export const FORM_ASSIGNMENT_STATUS = { type: "string", enum: ["assigned", "submitted"] } as const;

const FORM_ASSIGNMENT = {
  type: "object",
  properties: {
    id: UUID,
    planId: UUID,
    formName: NAME,
    userId: USER_ID,
    prefill: OBJECT,
    isTest: { type: "boolean" },
    status: FORM_ASSIGNMENT_STATUS,
    data: { anyOf: [OBJECT, { type: "null" }] },
    createdAt: TIMESTAMP,
    submittedAt: { anyOf: [TIMESTAMP, { type: "null" }] },
  },
  required: [
    "id",
    "planId",
    "formName",
    "userId",
    "prefill",
    "isTest",
    "status",
    "data",
    "createdAt",
    "submittedAt",
  ],
  additionalProperties: false,
} as const;

/** A form of a user on a plan given by id, or on the user's latest plan of a template (exactly one). */
const FORM_ON_PLAN = {
  planId: UUID,
  plan: {
    type: "object",
    properties: { templateName: NAME },
    required: ["templateName"],
    additionalProperties: false,
  },
  formName: NAME,
  userId: USER_ID,
} as const;

/** `<ns>.cmd.forms.*`: the rules engine assigns forms through these. */
export const formsContract = defineContract("forms", {
  /** Assigns a form on a plan given by id, or on the user's latest plan of a template (what rules name). */
  assignForm: {
    params: {
      type: "object",
      properties: {
        ...FORM_ON_PLAN,
        prefill: OBJECT,
      },
      required: ["formName", "userId"],
      oneOf: [{ required: ["planId"] }, { required: ["plan"] }],
      additionalProperties: false,
    },
    result: FORM_ASSIGNMENT,
  },
  /**
   * Records a form that was filled in elsewhere (another system): assigned and submitted at once on
   * the plan given by id, or on the user's latest plan of a template. Emits formAssigned and formSubmitted.
   */
  recordSubmission: {
    params: {
      type: "object",
      properties: {
        ...FORM_ON_PLAN,
        data: OBJECT,
      },
      required: ["formName", "userId", "data"],
      oneOf: [{ required: ["planId"] }, { required: ["plan"] }],
      additionalProperties: false,
    },
    result: FORM_ASSIGNMENT,
  },
  submitForm: {
    params: {
      type: "object",
      properties: { formAssignmentId: UUID, data: OBJECT },
      required: ["formAssignmentId", "data"],
      additionalProperties: false,
    },
    result: FORM_ASSIGNMENT,
  },
});

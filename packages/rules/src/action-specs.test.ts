import { EVENT_TYPES } from "@switchboard/events";
import { describe, expect, test } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ACTION_SPECS, ACTION_TYPES, PLATFORM_EVENT_TYPES } from "./index.js";

describe("ACTION_SPECS", () => {
  test("covers every action type with the command it becomes", () => {
    expect(Object.keys(ACTION_SPECS)).toEqual([...ACTION_TYPES]);
    expect(Object.fromEntries(ACTION_TYPES.map((t) => [t, ACTION_SPECS[t].target]))).toEqual({
      assignForm: { kind: "command", service: "forms", command: "assignForm" },
      createWorkQueueItem: { kind: "command", service: "work-queues", command: "createItem" },
      setWorkQueueItemStatus: { kind: "command", service: "work-queues", command: "setItemStatus" },
      createPlan: { kind: "command", service: "plans", command: "createPlan" },
      emit: { kind: "emit" },
      recordFormSubmission: { kind: "command", service: "forms", command: "recordSubmission" },
      updateWorkQueueItemByKey: { kind: "command", service: "work-queues", command: "updateItemByKey" },
      proposeChange: { kind: "command", service: "work-queues", command: "proposeChange" },
    });
  });

  test("has parameter schemas that compile under strict ajv", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    for (const type of ACTION_TYPES)
      for (const param of Object.values(ACTION_SPECS[type].params))
        expect(() => ajv.compile(param.schema)).not.toThrow();
  });

  test("names groups only of parameters it has", () => {
    for (const type of ACTION_TYPES) {
      for (const group of ACTION_SPECS[type].oneOf ?? [])
        for (const name of group) expect(ACTION_SPECS[type].params).toHaveProperty(name);
    }
  });

  test("forbids emitting the platform's own event types, every one the platform publishes", () => {
    // Kept in step with the event schemas: a new platform event must not be forgeable by a rule.
    expect([...PLATFORM_EVENT_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
    expect(ACTION_SPECS.emit.params["eventType"]!.schema).toMatchObject({
      not: { enum: [...PLATFORM_EVENT_TYPES] },
    });
  });

  test("cannot be changed by a caller", () => {
    expect(() => {
      (ACTION_SPECS.assignForm.params as Record<string, unknown>)["extra"] = {};
    }).toThrow();
    expect(Object.isFrozen(ACTION_SPECS.emit.params["eventType"]!.schema)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { ActionView } from "./action.repository.js";
import { retryCount, statusOf } from "./entry-status.js";

const action = (kind: ActionView["action"], id: number): ActionView => ({
  id,
  action: kind,
  comment: null,
  by: "key:k",
  newMsgId: null,
  createdAt: "2026-11-21T10:00:00.000Z",
});

describe("statusOf", () => {
  it("is open without actions, retried after a retry, resolved for good once resolved", () => {
    expect(statusOf([])).toBe("open");
    expect(statusOf([action("retried", 1), action("retried", 2)])).toBe("retried");
    expect(statusOf([action("retried", 1), action("resolved", 2)])).toBe("resolved");
    expect(retryCount([action("retried", 1), action("resolved", 2), action("retried", 3)])).toBe(2);
  });
});

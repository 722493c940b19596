import { describe, expect, test } from "vitest";
import { compileLogic, compileRule, validateRule, type RuleDocument } from "./index.js";
import { EXAMPLE_RULE, validationContext } from "./test-fixtures.js";

describe("upper and lower", () => {
  test("change the case of text (numbers as their text); anything else is null", () => {
    const upper = compileLogic({ upper: { var: "code" } });
    expect(upper({ code: "ab-1" })).toBe("AB-1");
    expect(upper({ code: 42 })).toBe("42");
    expect(upper({ code: { toString: "x" } })).toBe(null);
    expect(upper({})).toBe(null);
    expect(compileLogic({ lower: { var: "email" } })({ email: "Ada@Example.ORG" })).toBe("ada@example.org");
  });
});

describe("lookup in a table kept with the rule", () => {
  const doc: RuleDocument = {
    ...EXAMPLE_RULE,
    tables: { queues: { W1: "north-wing", W2: "south-wing", "7": "maternity" } },
    actions: [
      {
        emit: {
          eventType: "routed",
          info: { queue: { lookup: ["queues", { upper: { var: "bookingId" } }, "triage"] } },
        },
      },
    ],
  };
  const queueOf = (bookingId: unknown) => {
    const evaluation = compileRule(doc, { version: 1 }).evaluate({ status: "booked", bookingId });
    return evaluation.matched && !("error" in evaluation)
      ? evaluation.actions[0]!.params["info"]
      : evaluation;
  };

  test("reads the value under the key, else the default", () => {
    expect(queueOf("w2")).toEqual({ queue: "south-wing" });
    expect(queueOf(7)).toEqual({ queue: "maternity" });
    expect(queueOf("W9")).toEqual({ queue: "triage" });
    // Own entries only: a table's inherited names are not keys.
    expect(queueOf("constructor")).toEqual({ queue: "triage" });
  });

  test("is checked when saved: the table must be the rule's, the tables small", () => {
    const ctx = validationContext();
    expect(validateRule(doc, ctx).ok).toBe(true);
    const typo = structuredClone(doc) as unknown as { actions: { emit: { info: { queue: unknown } } }[] };
    typo.actions[0]!.emit.info.queue = { lookup: ["queue", { var: "bookingId" }] };
    const refused = validateRule(typo, ctx);
    expect(refused.ok ? [] : refused.error).toEqual([
      {
        path: "/actions/0/emit/info/queue/lookup/0",
        message: `lookup reads table "queue", which the rule's "tables" do not hold (did you mean "queues"?)`,
        code: "operator",
      },
    ]);
    const tooMany = {
      ...doc,
      tables: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, {}])),
    };
    const big = validateRule(tooMany, ctx);
    expect(big.ok ? [] : big.error.map((p) => [p.path, p.message])).toEqual([
      ["/tables", '"tables" must NOT have more than 20 properties'],
      ["/actions/0/emit/info/queue/lookup/0", expect.stringContaining('lookup reads table "queues"')],
    ]);
  });

  test("outside a rule there are no tables", () => {
    expect(() => compileLogic({ lookup: ["queues", "W1"] })).toThrow(
      `lookup reads table "queues", which the rule's "tables" do not hold; the rule has no tables`,
    );
  });
});

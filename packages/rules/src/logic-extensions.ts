import { ValidationError } from "@switchboard/errors";
import { DATE_OPERATORS } from "./date-operators.js";
import { didYouMean } from "./did-you-mean.js";
import type { Args } from "./logic-shape.js";
import { tableInScope } from "./rule-tables.js";
import type { RuleProblem } from "./types.js";
import type { CheckEnv, ExtensionOperator, Problems } from "./extension-types.js";

const caseOperator = (op: string, change: (text: string) => string): ExtensionOperator => ({
  check: (_args, problems) => problems.arity(1, 1, "one value"),
  // Numbers and booleans as their text; null, objects and arrays give null.
  run: ([value]) =>
    typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? change(String(value))
      : null,
});

export const EXTENSION_OPERATORS: Readonly<Record<string, ExtensionOperator>> = Object.assign(
  Object.create(null) as Record<string, ExtensionOperator>,
  {
    upper: caseOperator("upper", (text) => text.toUpperCase()),
    lower: caseOperator("lower", (text) => text.toLowerCase()),
    // {"lookup": ["wards", {"var": "wardCode"}, "unknown"]}: the value under the key in the rule's table, else the default (null).
    lookup: {
      check: (args, problems, env) => {
        problems.arity(2, 3, "a table name, a key and an optional default");
        const name = args[0];
        if (typeof name !== "string")
          return problems.at(0).add("lookup's table must be named by a literal string");
        if (!env.tables.includes(name)) {
          const hint = didYouMean(name, env.tables);
          const known =
            env.tables.length === 0 ? "the rule has no tables" : `its tables are ${env.tables.join(", ")}`;
          problems
            .at(0)
            .add(
              `lookup reads table ${JSON.stringify(name)}, which the rule's "tables" do not hold${hint || `; ${known}`}`,
            );
        }
      },
      run: () => null,
      bind: (args) => {
        const name = String(args[0]);
        const table = tableInScope(name);
        if (table === undefined)
          throw new ValidationError(
            `lookup reads table ${JSON.stringify(name)}, which the rule does not hold`,
          );
        return ([, key, fallback]) => {
          const found =
            typeof key === "string" || typeof key === "number" ? table.get(String(key)) : undefined;
          return found === undefined ? (fallback ?? null) : found;
        };
      },
    } satisfies ExtensionOperator,
    ...DATE_OPERATORS,
  },
);

export function extensionOf(op: string): ExtensionOperator | undefined {
  return EXTENSION_OPERATORS[op];
}

/** Runs an operator's save-time checks, reporting at the operation's and its arguments' pointers. */
export function checkExtension(
  op: string,
  extension: ExtensionOperator,
  args: Args,
  pointer: string,
  env: CheckEnv,
  out: RuleProblem[],
): void {
  const problemsAt = (path: string): Problems => ({
    arity: (min, max, shape) => {
      if (args.values.length < min || args.values.length > max)
        out.push({ path, message: `${op} takes ${shape}, at ${path}`, code: "operator" });
    },
    at: (i) => problemsAt(args.pointers[i] ?? pointer),
    add: (message) => out.push({ path, message, code: "operator" }),
  });
  extension.check(args.values, problemsAt(pointer), env);
}

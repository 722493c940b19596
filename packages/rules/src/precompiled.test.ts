import { createRequire } from "node:module";
import { runInThisContext } from "node:vm";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  precompiledValidatorsModule,
  usePrecompiledValidators,
  validateRule,
  type RuleProblem,
} from "./index.js";
import { EXAMPLE_RULE, validationContext } from "./test-fixtures.js";

/**
 * The validators a page with a CSP without eval uses: compiled ahead of time, they must work where
 * no code can be generated and find what the run-time ones find (these expectations are the
 * rule validator's own).
 */
const ctx = validationContext();

/** The module's exports, as a bundler would give them (its ESM exports turned into CommonJS here). */
function loadModule(source: string): Record<string, unknown> {
  const exports: Record<string, unknown> = {};
  const commonJs = source.replaceAll(/export const (\w+) = /g, "exports.$1 = ");
  const run = runInThisContext(`(function (require, exports) {${commonJs}\n})`) as (
    require: NodeJS.Require,
    exports: Record<string, unknown>,
  ) => void;
  run(createRequire(import.meta.url), exports);
  return exports;
}

const originalFunction = globalThis.Function;
const precompiled = loadModule(precompiledValidatorsModule());

describe("precompiled validators", () => {
  beforeEach(() => {
    // As under a Content-Security-Policy without 'unsafe-eval': no code from strings.
    globalThis.Function = new Proxy(originalFunction, {
      construct() {
        throw new EvalError("code generation from strings refused");
      },
    });
  });
  afterEach(() => {
    globalThis.Function = originalFunction;
  });

  test("validate rules where no code can be generated, with the run-time validators' findings", () => {
    expect(() => new Ajv2020({ logger: false }).compile({ type: "string" })).toThrow(EvalError);
    usePrecompiledValidators(precompiled);

    expect(validateRule(EXAMPLE_RULE, ctx)).toEqual({ ok: true, value: EXAMPLE_RULE, warnings: [] });
    const refused = validateRule(
      {
        ...structuredClone(EXAMPLE_RULE),
        enabled: "yes",
        descripton: "typo",
        actions: [{ createWorkQueueItem: { queue: "triage", planId: "not-a-uuid", priority: "high" } }],
      },
      ctx,
    );
    expect(refused.ok).toBe(false);
    const problems = (refused as { error: RuleProblem[] }).error;
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "/enabled", code: "schema", message: '"enabled" must be a boolean, got "yes"' },
        {
          path: "/descripton",
          code: "schema",
          message: '"descripton" is not allowed here (did you mean "description"?)',
        },
        {
          path: "/actions/0/createWorkQueueItem/planId",
          code: "param-type",
          message: 'planId must be a uuid, got "not-a-uuid"',
        },
        {
          path: "/actions/0/createWorkQueueItem/priority",
          code: "param-type",
          message: 'priority must be an integer, got "high"',
        },
      ]),
    );
  });

  test("are refused when they do not match the package's schemas (a stale build)", () => {
    const { v0: _dropped, ...missingOne } = precompiled;
    expect(() => usePrecompiledValidators(missingOne)).toThrow(/build them again/);
    expect(() => usePrecompiledValidators({ ...precompiled, extra: () => true })).toThrow(/build them again/);
  });
});

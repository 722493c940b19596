import { ValidationError, err, ok, type Result } from "@switchboard/errors";
import { checkLogic, compileLogic, truthy, type Evaluator, type RuleProblem } from "@switchboard/rules";

/**
 * Filters and mappings are JSON Logic a content manager writes; they are checked and compiled when
 * a subscription is saved, and run for every delivery. A mapping is CHT-style:
 * `{ "patient.name": {"var": "info.data.patientName"}, "source": "switchboard" }` builds
 * `{ patient: { name: … }, source: "switchboard" }`. A value is JSON Logic: an expression is
 * evaluated, anything else is a literal.
 */

type CompiledMapping = (event: unknown) => Record<string, unknown>;

export const MAX_MAPPING_TARGETS = 200;
const MAX_TARGET_LENGTH = 256;
const MAX_TARGET_DEPTH = 16;
const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** For save time: throws a ValidationError naming every problem; returns the filter as it is. */
export function checkFilter(filter: unknown): unknown {
  const problems = checkLogic(filter, "body/filter");
  if (problems.length > 0) throw invalid("the filter is not valid JSON Logic", problems);
  compileLogic(filter);
  return filter;
}

/** For save time: targets are dotted paths into a plain object; values are checked JSON Logic. */
export function checkMapping(mapping: unknown): Record<string, unknown> {
  if (typeof mapping !== "object" || mapping === null || Array.isArray(mapping))
    throw invalid('the mapping must be an object { "target.path": <JSON Logic or literal> }', []);
  const problems = Object.entries(mapping).flatMap(([target, value]) => [
    ...targetProblems(target),
    ...checkLogic(value, `body/mapping/${target.replaceAll("~", "~0").replaceAll("/", "~1")}`),
  ]);
  problems.push(...overlapProblems(Object.keys(mapping)));
  if (problems.length > 0) throw invalid("the mapping is invalid", problems);
  compileMapping(mapping as Record<string, unknown>);
  return mapping as Record<string, unknown>;
}

// Keyed by the saved object: a reloaded subscription is a new object and compiles afresh, an
// unchanged one reuses its compiled form for every delivery.
const mappings = new WeakMap<object, CompiledMapping>();
const filters = new WeakMap<object, Evaluator>();

/**
 * The body a subscription sends for an event: the event itself without a mapping. Never throws:
 * a hostile event, or a stored mapping that no longer compiles, is an error value the caller logs.
 */
export function applyMapping(
  mapping: Record<string, unknown> | null,
  event: unknown,
): Result<object, string> {
  if (mapping === null) return ok(event as object);
  try {
    let compiled = mappings.get(mapping);
    if (compiled === undefined) mappings.set(mapping, (compiled = compileMapping(mapping)));
    return ok(compiled(event));
  } catch (error) {
    return err(`the mapping failed on this event: ${(error as Error).message}`);
  }
}

/** Whether the subscription's filter lets the event through; no filter lets everything through. */
export function matchesFilter(filter: unknown, event: unknown): Result<boolean, string> {
  if (filter === null || filter === undefined) return ok(true);
  try {
    let compiled = typeof filter === "object" ? filters.get(filter) : undefined;
    if (compiled === undefined) {
      compiled = compileLogic(filter);
      if (typeof filter === "object") filters.set(filter, compiled);
    }
    return ok(truthy(compiled(event)));
  } catch (error) {
    return err(`the filter failed on this event: ${(error as Error).message}`);
  }
}

function compileMapping(mapping: Record<string, unknown>): CompiledMapping {
  const fields = Object.entries(mapping).map(([target, value]) => {
    const problem = targetProblems(target)[0];
    if (problem !== undefined) throw new ValidationError(problem.message);
    return { segments: target.split("."), evaluate: compileLogic(value) };
  });
  return (event) => {
    const body: Record<string, unknown> = {};
    for (const { segments, evaluate } of fields) setPath(body, segments, evaluate(event) ?? null);
    return body;
  };
}

/** Segments are checked safe at save and again at compile, so plain assignment cannot reach a prototype. */
function setPath(body: Record<string, unknown>, segments: string[], value: unknown): void {
  let current = body;
  for (const segment of segments.slice(0, -1)) {
    const next = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (typeof next === "object" && next !== null && !Array.isArray(next))
      current = next as Record<string, unknown>;
    else current = current[segment] = {};
  }
  current[segments[segments.length - 1]!] = value;
}

function targetProblems(target: string): RuleProblem[] {
  const problem = (message: string): RuleProblem[] => [{ path: "body/mapping", message, code: "schema" }];
  const shown = JSON.stringify(target.length > 80 ? `${target.slice(0, 80)}…` : target);
  if (target.length === 0 || target.length > MAX_TARGET_LENGTH)
    return problem(`mapping target ${shown} must be 1 to ${MAX_TARGET_LENGTH} characters`);
  const segments = target.split(".");
  if (segments.some((s) => s === "")) return problem(`mapping target ${shown} has an empty segment`);
  if (segments.length > MAX_TARGET_DEPTH)
    return problem(`mapping target ${shown} has more than ${MAX_TARGET_DEPTH} segments`);
  const unsafe = segments.find((s) => UNSAFE_SEGMENTS.has(s));
  if (unsafe !== undefined)
    return problem(
      `mapping target ${shown} may not contain the segment "${unsafe}": it reaches JavaScript internals`,
    );
  return [];
}

/** "patient" and "patient.name" cannot both be targets: one would overwrite the other. */
function overlapProblems(targets: string[]): RuleProblem[] {
  if (targets.length > MAX_MAPPING_TARGETS)
    return [
      {
        path: "body/mapping",
        message: `a mapping has at most ${MAX_MAPPING_TARGETS} targets`,
        code: "schema",
      },
    ];
  const all = new Set(targets);
  return targets.flatMap((target) => {
    const segments = target.split(".");
    for (let i = 1; i < segments.length; i++) {
      const prefix = segments.slice(0, i).join(".");
      if (!all.has(prefix)) continue;
      const message = `mapping targets ${JSON.stringify(prefix)} and ${JSON.stringify(target)} overlap: one would overwrite the other`;
      return [{ path: "body/mapping", message, code: "schema" as const }];
    }
    return [];
  });
}

function invalid(what: string, problems: RuleProblem[]): ValidationError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const detail = first === undefined ? what : `${what}: ${first.message}${more}`;
  return new ValidationError(detail, {
    details: problems.map((p) => ({ path: p.path, message: p.message, code: p.code })),
  });
}

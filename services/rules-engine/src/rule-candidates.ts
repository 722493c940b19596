import { valueAt, type CompiledRule } from "@switchboard/rules";

/**
 * A condition every payload a rule matches must meet, read off its `when`: the payload's value at
 * a data path is a given string. Only `{"==" | "===": [{"var": path}, "text"]}` (either order) is
 * read, as the whole `when` or as the first operand of an `and`, which is evaluated first and ends
 * the `and` when false: a rule skipped for it would not have matched, nor failed.
 */
export interface EqualityGuard {
  path: string;
  value: string;
}

export function equalityGuardOf(when: unknown): EqualityGuard | undefined {
  const [op, args] = single(when);
  if (op === "and" && Array.isArray(args) && args.length > 0) return equalityGuardOf(args[0]);
  if ((op !== "==" && op !== "===") || !Array.isArray(args) || args.length !== 2) return undefined;
  const [a, b] = args as [unknown, unknown];
  const path = varPath(a) ?? varPath(b);
  const value = typeof b === "string" ? b : typeof a === "string" ? a : undefined;
  if (path === undefined || value === undefined) return undefined;
  return { path, value };
}

/** `{"op": args}`: an object with exactly one key. */
function single(node: unknown): [string | undefined, unknown] {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return [undefined, undefined];
  const keys = Object.keys(node);
  return keys.length === 1 ? [keys[0], (node as Record<string, unknown>)[keys[0]!]] : [undefined, undefined];
}

/** The path of `{"var": "a.b"}` or `{"var": ["a.b"]}` (no default, not the whole data). */
function varPath(node: unknown): string | undefined {
  const [op, arg] = single(node);
  if (op !== "var") return undefined;
  const path = Array.isArray(arg) ? (arg.length === 1 ? arg[0] : undefined) : arg;
  return typeof path === "string" && path !== "" ? path : undefined;
}

interface GuardedPath {
  segments: string[];
  /** Positions of the rules guarded on this path, by the string they need. */
  byValue: Map<string, number[]>;
  /** Every position guarded on this path: what runs when the payload's value is not a string. */
  all: number[];
}

/**
 * The rules of one trigger, in order, with the rules that cannot match a payload left out before
 * any is evaluated: a rule guarded by `path == "text"` is a candidate only when the payload has
 * that text there (a value that is not a string keeps every rule of the path, for `==`'s
 * coercions). So the cost of a message grows with the rules that may match it, not with all the
 * rules of its trigger.
 */
export class TriggerRules {
  readonly all: readonly CompiledRule[];
  readonly #unguarded: number[] = [];
  readonly #paths = new Map<string, GuardedPath>();

  constructor(entries: readonly { rule: CompiledRule; when: unknown }[]) {
    this.all = Object.freeze(entries.map((e) => e.rule));
    entries.forEach(({ when }, position) => {
      const guard = equalityGuardOf(when);
      if (guard === undefined) {
        this.#unguarded.push(position);
        return;
      }
      let path = this.#paths.get(guard.path);
      if (path === undefined) {
        path = { segments: guard.path.split("."), byValue: new Map(), all: [] };
        this.#paths.set(guard.path, path);
      }
      path.all.push(position);
      const same = path.byValue.get(guard.value);
      if (same === undefined) path.byValue.set(guard.value, [position]);
      else same.push(position);
    });
  }

  /** The rules that may match `payload`, in their order. */
  candidates(payload: unknown): readonly CompiledRule[] {
    if (this.#paths.size === 0) return this.all;
    const positions = [...this.#unguarded];
    for (const path of this.#paths.values()) {
      // Read as the rules' `var` reads data: own properties, array elements by index.
      const value = valueAt(payload, path.segments);
      const guarded = typeof value === "string" ? path.byValue.get(value) : path.all;
      if (guarded !== undefined) positions.push(...guarded);
    }
    if (positions.length === this.all.length) return this.all;
    return positions.sort((a, b) => a - b).map((p) => this.all[p]!);
  }
}

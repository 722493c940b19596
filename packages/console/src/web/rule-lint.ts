/// <reference lib="dom" />
import {
  scanJson,
  textPositions,
  validateRule,
  type RuleProblem,
  type RuleWarning,
} from "@switchboard/rules";
import eventSchemas from "switchboard-console:event-schemas";

/** One finding of the checker, placed in the text. */
export interface Finding {
  from: number;
  to: number;
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** The inbound events' schemas by name, as the API lists them. */
export type InboundSchemas = ReadonlyMap<string, object>;

/**
 * Checks a rule's text with the rules package, as the server does when it is saved: JSON syntax and
 * duplicate keys, the rule schema, operators, and every `var` path against the trigger's schema
 * (with its did-you-mean). Each problem is placed at the value its JSON pointer names.
 */
export function lintRule(text: string, inbound: InboundSchemas): Finding[] {
  const scan = scanJson(text);
  const positionOf = textPositions(scan.text);
  const shift = text.length - scan.text.length; // a byte-order mark the scanner dropped
  if (!scan.ok) {
    const at = scan.error.offset + shift;
    return [
      {
        from: at,
        to: Math.min(at + 1, text.length),
        line: positionOf(scan.error.offset).line,
        severity: "error",
        message: `not valid JSON: ${scan.error.message}`,
      },
    ];
  }
  const findings: Finding[] = scan.duplicates.map(({ pointer, offset }) =>
    place(
      text,
      shift,
      offset,
      positionOf(offset).line,
      "error",
      `${pointer} is given twice; JSON keeps only the last`,
    ),
  );
  const result = validateRule(scan.value, {
    triggerSchema: (trigger) =>
      "inbound" in trigger ? inbound.get(trigger.inbound) : eventSchemas.schemas[trigger.event],
    resolveRef: (ref) => eventSchemas.refs[ref],
  });
  const located = (finding: RuleProblem | RuleWarning, severity: Finding["severity"]): Finding => {
    const written = nearestWritten(scan.written, finding.path);
    const offset = written === undefined ? 0 : (written.key ?? written.value);
    return place(text, shift, offset, positionOf(offset).line, severity, finding.message);
  };
  if (!result.ok) findings.push(...result.error.map((p) => located(p, "error")));
  findings.push(...result.warnings.map((w) => located(w, "warning")));
  return findings;
}

/** The value at the pointer, or at its nearest written ancestor (a missing member's object). */
function nearestWritten<T>(written: ReadonlyMap<string, T>, pointer: string): T | undefined {
  for (let at = pointer; ; at = at.slice(0, at.lastIndexOf("/"))) {
    const found = written.get(at);
    if (found !== undefined || at === "") return found;
  }
}

function place(
  text: string,
  shift: number,
  offset: number,
  line: number,
  severity: Finding["severity"],
  message: string,
): Finding {
  const from = offset + shift;
  const lineEnd = text.indexOf("\n", from);
  return { from, to: lineEnd === -1 ? text.length : lineEnd, line, severity, message };
}

/**
 * The data paths a schema declares (`slot.start`, `items.0.id` is left out: arrays by index are
 * rare in rules), for completing `var` paths. Follows `properties`, local `$ref`s and the combinators.
 */
export function declaredPaths(schema: object | undefined, resolveRef = refResolver(schema)): string[] {
  const out = new Set<string>();
  const walk = (node: unknown, prefix: string, depth: number) => {
    if (node === null || typeof node !== "object" || depth > 8) return;
    const s = node as Record<string, unknown>;
    if (typeof s["$ref"] === "string") walk(resolveRef(s["$ref"]), prefix, depth + 1);
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(s[key])) for (const branch of s[key] as unknown[]) walk(branch, prefix, depth + 1);
    }
    const properties = s["properties"];
    if (properties !== null && typeof properties === "object") {
      for (const [name, child] of Object.entries(properties)) {
        const path = prefix === "" ? name : `${prefix}.${name}`;
        out.add(path);
        walk(child, path, depth + 1);
      }
    }
  };
  walk(schema, "", 0);
  return [...out].sort();
}

function refResolver(root: object | undefined): (ref: string) => unknown {
  return (ref) => {
    if (ref.startsWith("#/")) {
      let node: unknown = root;
      for (const part of ref.slice(2).split("/")) {
        node =
          node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
      }
      return node;
    }
    return eventSchemas.refs[ref];
  };
}

/** The schema of the trigger a rule's text names, when it parses far enough to say. */
export function triggerSchemaOf(text: string, inbound: InboundSchemas): object | undefined {
  const scan = scanJson(text);
  const on = scan.ok ? (scan.value as { on?: { inbound?: unknown; event?: unknown } }).on : undefined;
  if (typeof on?.inbound === "string") return inbound.get(on.inbound);
  if (typeof on?.event === "string") return eventSchemas.schemas[on.event];
  // Still being typed: find the trigger by eye.
  const match = /"on"\s*:\s*\{\s*"(inbound|event)"\s*:\s*"([^"]+)"/.exec(text);
  if (match === null) return undefined;
  return match[1] === "inbound" ? inbound.get(match[2]!) : eventSchemas.schemas[match[2]!];
}

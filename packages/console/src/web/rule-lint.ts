/// <reference lib="dom" />
import { scanJson, validateRule } from "@switchboard/rules";
import eventSchemas from "switchboard-console:event-schemas";
import { lintJson, type Finding } from "./json-lint.js";

export type { Finding } from "./json-lint.js";

/** The inbound events' schemas by name, as the API lists them. */
export type InboundSchemas = ReadonlyMap<string, object>;

/**
 * Checks a rule's text with the rules package, as the server does when it is saved: JSON syntax and
 * duplicate keys, the rule schema, operators, and every `var` path against the trigger's schema
 * (with its did-you-mean). Each problem is placed at the value its JSON pointer names.
 */
export function lintRule(text: string, inbound: InboundSchemas): Finding[] {
  return lintJson(text, (value) => {
    const result = validateRule(value, {
      triggerSchema: (trigger) =>
        "inbound" in trigger ? inbound.get(trigger.inbound) : eventSchemas.schemas[trigger.event],
      resolveRef: (ref) => eventSchemas.refs[ref],
    });
    return { errors: result.ok ? [] : result.error, warnings: result.warnings };
  });
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

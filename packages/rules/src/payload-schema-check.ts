import { childPointer } from "./json-pointer.js";
import { externalRefOf, localRefTargets } from "./payload-schema-refs.js";
import { schemaProblem, strictSchemaProblems } from "./payload-schema-strict.js";
import { describeErrors, metaSchemaValidator } from "./schema-errors.js";
import type { RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/**
 * Checks a content manager's payload schema without compiling it, so a page that may not generate
 * code (the console) can say what the server's compiler would refuse, as it is typed: the JSON
 * Schema draft 2020-12 meta-schema (ajv validates a schema against it before compiling), references
 * that leave the schema or point at nothing, and ajv's strict mode (unknown keywords and formats,
 * keywords for a type the schema does not say, patterns the linear-time engine refuses, `if` alone,
 * required properties not declared, open tuples). Each problem's path points into the schema.
 * The server still compiles the schema when it is saved: that stays the last word.
 */
export function checkPayloadSchema(schema: unknown): RuleProblem[] {
  if (!isPlainObject(schema)) return [schemaProblem("", "a payload's JSON Schema must be a JSON object")];
  const meta = metaSchemaValidator();
  // Like ajv: a schema its meta-schema refuses is not looked at further.
  if (!meta(schema)) return metaProblems(meta.errors);
  const external = externalRefOf(schema);
  if (external !== undefined) {
    return [
      schemaProblem(
        childPointer(external.path, external.keyword),
        `${external.keyword} "${external.ref}" points outside this schema; only local references ("#…") are allowed`,
      ),
    ];
  }
  const { targets, dangling } = localRefTargets(schema);
  const problems = [
    ...dangling.map((d) => schemaProblem(d.at, `$ref "${d.ref}" points at nothing in this schema`)),
    ...strictSchemaProblems(schema, targets),
  ];
  const seen = new Set<string>();
  return problems.filter(
    (p) => !seen.has(`${p.path}\u0000${p.message}`) && seen.add(`${p.path}\u0000${p.message}`),
  );
}

function metaProblems(errors: Parameters<typeof describeErrors>[0]): RuleProblem[] {
  // The meta-schema's alternatives (a type is a name or a list of names) each say the value is
  // wrong; the first said at a place is the one to act on.
  const first = new Map<string, string>();
  for (const e of describeErrors(errors)) if (!first.has(e.pointer)) first.set(e.pointer, e.message);
  return [...first].map(([pointer, message]) => schemaProblem(pointer, `${what(pointer)} ${message}`));
}

/** The keyword or name a pointer ends at ("type" for /properties/a/type). */
const what = (pointer: string) =>
  pointer === ""
    ? "the schema"
    : pointer
        .slice(pointer.lastIndexOf("/") + 1)
        .replaceAll("~1", "/")
        .replaceAll("~0", "~");

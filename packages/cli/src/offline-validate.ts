import { validateRule, type Trigger } from "@switchboard/rules";
import { checkDefinition } from "./definition-check.js";
import { systemEvents, type SystemEvents } from "./event-schemas.js";
import { loadFiles } from "./file-loader.js";
import { asWarnings, type Problem } from "./problems.js";
import { problemsAt, readDocument, type SourceDocument } from "./source-documents.js";

export interface CheckedFiles {
  fileCount: number;
  definitions: SourceDocument[];
  rules: SourceDocument[];
  problems: Problem[];
  /** What the server would save but warn of (a var path an open object does not declare). */
  warnings: Problem[];
}

/**
 * Validates a set of files with no server: definitions first, then each rule against the
 * definitions of the same set, or against the system event schemas for rules on system events.
 */
export async function checkPaths(
  paths: string[],
  events: SystemEvents = systemEvents(),
): Promise<CheckedFiles> {
  const loaded = await loadFiles(paths);
  const problems = [...loaded.problems];
  const documents: SourceDocument[] = [];
  for (const source of loaded.files) {
    const read = readDocument(source);
    if (Array.isArray(read)) problems.push(...read);
    else documents.push(read);
  }
  const definitions = documents.filter((d) => d.kind === "definition");
  const rules = documents.filter((d) => d.kind === "rule");
  for (const definition of definitions) problems.push(...problemsAt(definition, checkDefinition(definition)));
  problems.push(...duplicates(definitions, "name", "inbound event"), ...duplicates(rules, "id", "rule id"));
  const declared = declaredSchemas(definitions);
  const warnings: Problem[] = [];
  for (const rule of rules) {
    const checked = checkRule(rule, declared, events);
    problems.push(...problemsAt(rule, checked.problems));
    warnings.push(...asWarnings(problemsAt(rule, checked.warnings)));
  }
  return { fileCount: loaded.files.length, definitions, rules, problems, warnings };
}

function checkRule(rule: SourceDocument, declared: Map<string, object>, events: SystemEvents) {
  const checked = validateRule(rule.value, {
    triggerSchema: (trigger: Trigger) =>
      "inbound" in trigger ? declared.get(trigger.inbound) : events.schema(trigger.event),
    // Inbound schemas cannot refer outside themselves, so only event schemas have refs to follow.
    resolveRef: events.resolveRef,
  });
  const { warnings } = checked;
  if (checked.ok) return { problems: [], warnings };
  // Offline, "declared" means declared by one of the files given: say so, not "for this org".
  const problems = checked.error.map((problem) => {
    const name = inboundName(rule.value);
    if (problem.code !== "unknown-trigger" || name === undefined) return problem;
    return {
      ...problem,
      message: `inbound event ${JSON.stringify(name)} is not declared: no definition file given names it${declaredHint(declared)}`,
    };
  });
  return { problems, warnings };
}

/** The names that are declared, when few enough to read: a typo is then easy to see. */
function declaredHint(declared: Map<string, object>): string {
  const names = [...declared.keys()];
  if (names.length === 0) return "";
  if (names.length > 5) return ` (${names.length} other inbound events are declared)`;
  return ` (declared: ${names.map((n) => JSON.stringify(n)).join(", ")})`;
}

/** Every definition with an object schema counts as declared, even one with other problems, so
 * its rules are still checked; the definition's own problems are reported on its file. */
function declaredSchemas(definitions: SourceDocument[]): Map<string, object> {
  const declared = new Map<string, object>();
  for (const { value } of definitions) {
    const { name, schema } = value;
    if (typeof name === "string" && typeof schema === "object" && schema !== null && !declared.has(name))
      declared.set(name, schema);
  }
  return declared;
}

function duplicates(documents: SourceDocument[], key: "name" | "id", what: string): Problem[] {
  const first = new Map<string, string>();
  const problems: Problem[] = [];
  for (const document of documents) {
    const value = document.value[key];
    if (typeof value !== "string") continue;
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, document.file);
    else
      problems.push(
        ...problemsAt(document, [
          {
            path: `/${key}`,
            message: `${what} ${JSON.stringify(value)} is also defined in ${earlier}`,
            code: "duplicate",
          },
        ]),
      );
  }
  return problems;
}

function inboundName(value: Record<string, unknown>): string | undefined {
  const on = value["on"] as { inbound?: unknown } | null | undefined;
  return typeof on === "object" && on !== null && typeof on.inbound === "string" ? on.inbound : undefined;
}

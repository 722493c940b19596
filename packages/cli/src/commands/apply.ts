import { createApiClient, type ApiClient, type SavedRule } from "../api-client.js";
import type { FlagSpec, ParsedCommandLine } from "../args.js";
import { resolveConnection } from "../connection.js";
import { ExitCodes, type ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { checkPaths } from "../offline-validate.js";
import { asWarnings, formatProblem, plural } from "../problems.js";
import { serverProblems } from "../server-problems.js";
import { problemsAt, type SourceDocument } from "../source-documents.js";
import { isStrict, reportProblems, requirePaths } from "./validate.js";

export const APPLY_FLAGS: FlagSpec = {
  org: { type: "string" },
  url: { type: "string" },
  key: { type: "string" },
  activate: { type: "boolean" },
  strict: { type: "boolean" },
};

/**
 * Validates every file offline and applies nothing unless all pass; then saves definitions before
 * rules, since a rule is checked against its trigger's definition as stored on the server. The
 * warnings the server answers for a rule are printed at its file's lines; with `--strict`, the same
 * warnings found offline stop anything from being applied.
 */
export async function runApply(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const paths = requirePaths(args, "rules apply");
  const connection = resolveConnection(args.flags, io.env, "rules apply");
  const api = createApiClient(connection);
  const checked = await checkPaths(paths);
  if (reportProblems(checked, io, isStrict(args))) {
    io.out("nothing was applied");
    return ExitCodes.Problems;
  }
  let refused = 0;
  for (const definition of checked.definitions)
    refused += (await applyDefinition(api, definition, io)) ? 0 : 1;
  if (refused > 0) {
    io.out(`no rule was applied: the server refused ${plural(refused, "definition")}`);
    return ExitCodes.Problems;
  }
  let warned = 0;
  for (const rule of checked.rules) {
    const saved = await applyRule(api, rule, args.flags["activate"] === true, io);
    if (saved === undefined) refused += 1;
    else warned += saved.warnings;
  }
  if (refused > 0) {
    io.out(`the server refused ${refused} of ${plural(checked.rules.length, "rule")}`);
    return ExitCodes.Problems;
  }
  const applied = `${plural(checked.definitions.length, "inbound event definition")} and ${plural(checked.rules.length, "rule")}`;
  io.out(`applied ${applied} to org ${connection.org}${warned > 0 ? `, ${plural(warned, "warning")}` : ""}`);
  return ExitCodes.Ok;
}

async function applyDefinition(api: ApiClient, document: SourceDocument, io: CliIo): Promise<boolean> {
  // The URL names the event; "$schema" only tells editors what the file is.
  const { name, $schema: _editorsOnly, ...body } = document.value;
  const before = await api.getInboundEvent(name as string);
  const saved = await api.putInboundEvent(name as string, body);
  if (!saved.ok) {
    for (const problem of serverProblems(document, saved.problem)) io.out(formatProblem(problem));
    return false;
  }
  // 200 means changed or unchanged; only the version says which.
  const previous = before.ok ? before.body.version : undefined;
  const outcome =
    saved.status === 201 ? "created" : saved.body.version === previous ? "unchanged" : "updated";
  io.out(`inbound ${String(name)}: ${outcome} (version ${saved.body.version})`);
  return true;
}

async function applyRule(
  api: ApiClient,
  document: SourceDocument,
  activate: boolean,
  io: CliIo,
): Promise<{ warnings: number } | undefined> {
  const ruleId = document.value["id"] as string;
  const saved = await api.putRule(ruleId, document.value, activate);
  if (!saved.ok) {
    for (const problem of serverProblems(document, saved.problem)) io.out(formatProblem(problem));
    return undefined;
  }
  // 201: a new version was saved; 200: the document equals the latest version.
  io.out(`rule ${ruleId}: ${saved.status === 200 ? "unchanged, " : ""}${describeRule(saved.body)}`);
  const warnings = asWarnings(problemsAt(document, saved.body.warnings ?? []));
  for (const warning of warnings) io.out(formatProblem(warning));
  return { warnings: warnings.length };
}

function describeRule(saved: SavedRule): string {
  const active =
    saved.activeVersion === null ? "none active: apply with --activate" : `active ${saved.activeVersion}`;
  return `version ${saved.version} (${active}${saved.enabled ? "" : ", disabled"})`;
}

import type { FlagSpec, ParsedCommandLine } from "../args.js";
import { ExitCodes, UsageError, type ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { checkPaths, type CheckedFiles } from "../offline-validate.js";
import { formatProblem, plural, sortProblems } from "../problems.js";

export const VALIDATE_FLAGS: FlagSpec = {
  strict: { type: "boolean" },
};

/** Problems fail; warnings are printed and pass, unless `--strict` counts them as problems. */
export async function runValidate(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const checked = await checkPaths(requirePaths(args, "rules validate"));
  if (reportProblems(checked, io, isStrict(args))) return ExitCodes.Problems;
  for (const warning of sortProblems(checked.warnings)) io.out(formatProblem(warning));
  const warned = checked.warnings.length === 0 ? "" : `, ${plural(checked.warnings.length, "warning")}`;
  io.out(`${describeSet(checked)}: no problems${warned}`);
  return ExitCodes.Ok;
}

export function requirePaths(args: ParsedCommandLine, command: string): string[] {
  if (args.positionals.length === 0) throw new UsageError("no file or directory given", command);
  return args.positionals;
}

export const isStrict = (args: ParsedCommandLine): boolean => args.flags["strict"] === true;

/**
 * When the files fail (a problem, or with `strict` a warning), prints every problem and warning,
 * then a count, and answers true; otherwise prints nothing.
 */
export function reportProblems(checked: CheckedFiles, io: CliIo, strict: boolean): boolean {
  const { problems, warnings } = checked;
  if (problems.length === 0 && (!strict || warnings.length === 0)) return false;
  const found = [...problems, ...warnings];
  for (const problem of sortProblems(found)) io.out(formatProblem(problem));
  const counts = [
    ...(problems.length > 0 ? [plural(problems.length, "problem")] : []),
    ...(warnings.length > 0 ? [plural(warnings.length, "warning")] : []),
  ].join(" and ");
  const files = new Set(found.map((p) => p.file)).size;
  const why = strict && warnings.length > 0 ? "; --strict counts warnings as problems" : "";
  io.out(`${counts} in ${plural(files, "file")} (${describeSet(checked)})${why}`);
  return true;
}

export function describeSet(checked: CheckedFiles): string {
  return `${plural(checked.fileCount, "file")} checked: ${plural(checked.definitions.length, "inbound event definition")}, ${plural(checked.rules.length, "rule")}`;
}

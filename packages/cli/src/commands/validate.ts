import type { FlagSpec, ParsedCommandLine } from "../args.js";
import { ExitCodes, UsageError, type ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";
import { checkPaths, type CheckedFiles } from "../offline-validate.js";
import { formatProblem, plural, sortProblems } from "../problems.js";

export const VALIDATE_FLAGS: FlagSpec = {};

export async function runValidate(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const checked = await checkPaths(requirePaths(args, "rules validate"));
  if (reportProblems(checked, io)) return ExitCodes.Problems;
  io.out(`${describeSet(checked)}: no problems`);
  return ExitCodes.Ok;
}

export function requirePaths(args: ParsedCommandLine, command: string): string[] {
  if (args.positionals.length === 0) throw new UsageError("no file or directory given", command);
  return args.positionals;
}

/** Prints every problem, then a count; true when there was any. */
export function reportProblems(checked: CheckedFiles, io: CliIo): boolean {
  if (checked.problems.length === 0) return false;
  for (const problem of sortProblems(checked.problems)) io.out(formatProblem(problem));
  const files = new Set(checked.problems.map((p) => p.file)).size;
  io.out(
    `${plural(checked.problems.length, "problem")} in ${plural(files, "file")} (${describeSet(checked)})`,
  );
  return true;
}

export function describeSet(checked: CheckedFiles): string {
  return `${plural(checked.fileCount, "file")} checked: ${plural(checked.definitions.length, "inbound event definition")}, ${plural(checked.rules.length, "rule")}`;
}

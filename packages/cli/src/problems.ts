import type { Position } from "./json-positions.js";

/**
 * Something wrong with one file, where it is if known, and a short code to search or filter on.
 * A warning (`warning: true`) is likely a mistake but does not stop a save; `--strict` counts it.
 */
export interface Problem {
  file: string;
  position?: Position;
  message: string;
  code: string;
  warning?: true;
}

/** `file:line:col: message [code]` (`file:line:col: warning: …` for a warning), the form editors and CI annotations turn into links. */
export function formatProblem(problem: Problem): string {
  const where =
    problem.position === undefined
      ? problem.file
      : `${problem.file}:${problem.position.line}:${problem.position.column}`;
  return `${where}: ${problem.warning ? "warning: " : ""}${problem.message} [${problem.code}]`;
}

/** Found problems as warnings. */
export function asWarnings(problems: readonly Problem[]): Problem[] {
  return problems.map((problem) => ({ ...problem, warning: true }));
}

/** Sorted by file, then line and column, so the output reads top to bottom in each file. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

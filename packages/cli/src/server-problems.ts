import type { ApiFieldError, ApiProblem } from "./api-client.js";
import type { Problem } from "./problems.js";
import { problemsAt, type SourceDocument } from "./source-documents.js";

/**
 * A refusal from the server, as problems of the file that was sent. Field errors of a validation
 * failure point into the body sent, which is the file's content, so they get the file's line
 * numbers; `prefix` strips the member of a wrapped body (`/rule` in a dry-run request). Other
 * refusals (a conflict with active rules, a missing key) name no place in this file.
 */
export function serverProblems(document: SourceDocument, problem: ApiProblem, prefix = ""): Problem[] {
  const located =
    problem.status === 400 || problem.status === 422
      ? problem.errors.map((e) => toLocal(e, problem, prefix))
      : [];
  if (located.length === 0)
    return [
      {
        file: document.file,
        message: `the server refused it: ${problem.detail} (HTTP ${problem.status})`,
        code: problem.code,
      },
    ];
  return problemsAt(document, located);
}

function toLocal(
  error: ApiFieldError,
  problem: ApiProblem,
  prefix: string,
): { path: string; message: string; code: string } {
  // Request-schema errors say "body/…"; the rules' own problems are plain JSON pointers.
  let path = error.path.startsWith("body/") || error.path === "body" ? error.path.slice(4) : error.path;
  if (prefix !== "" && (path === prefix || path.startsWith(`${prefix}/`))) path = path.slice(prefix.length);
  const keyword = (error as { keyword?: unknown }).keyword;
  return {
    path,
    message: error.message,
    code: error.code ?? (typeof keyword === "string" ? keyword : problem.code),
  };
}

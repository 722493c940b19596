import { createApiClient } from "../api-client.js";
import type { FlagSpec, ParsedCommandLine } from "../args.js";
import { resolveConnection } from "../connection.js";
import { describeResult } from "../dry-run-report.js";
import { ExitCodes, UsageError, type ExitCode } from "../errors.js";
import { loadFiles } from "../file-loader.js";
import type { CliIo } from "../io.js";
import { parseJsonWithPositions, type Position } from "../json-positions.js";
import { asWarnings, formatProblem, type Problem } from "../problems.js";
import { serverProblems } from "../server-problems.js";
import { problemsAt, readDocument, type SourceDocument } from "../source-documents.js";

export const DRY_RUN_FLAGS: FlagSpec = {
  payload: { type: "string" },
  recent: { type: "string" },
  org: { type: "string" },
  url: { type: "string" },
  key: { type: "string" },
};

const COMMAND = "rules dry-run";

type Sample = { kind: "payload"; file: string } | { kind: "recent"; n: number };
type Read<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
type Payload = { file: string; value: unknown; locate(pointer: string): Position };

/**
 * Sends a draft rule with a sample payload (or asks for the last n inbound events) and prints what
 * would happen. The server checks the draft against the org's stored definitions, which a single
 * rule file does not carry, so only its JSON is checked here. Matched or not, warned of or not, the
 * exit status is 0: the command answered the question.
 */
export async function runDryRun(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const [ruleFile, ...extra] = args.positionals;
  if (ruleFile === undefined) throw new UsageError("no rule file given", COMMAND);
  if (extra.length > 0)
    throw new UsageError(`one rule file at a time; also given: ${extra.join(" ")}`, COMMAND);
  const sample = sampleOf(args.flags);
  const api = createApiClient(resolveConnection(args.flags, io.env, COMMAND));
  const rule = await readRule(ruleFile);
  const payload = sample.kind === "payload" ? await readPayload(sample.file) : undefined;
  const problems = [rule, payload].flatMap((read) => (read === undefined || read.ok ? [] : read.problems));
  if (!rule.ok || problems.length > 0) {
    for (const problem of problems) io.out(formatProblem(problem));
    return ExitCodes.Problems;
  }
  const draft = rule.value;
  const file = payload?.ok ? payload.value : undefined;
  const answer = await api.dryRun(
    sample.kind === "recent"
      ? { rule: draft.value, recent: sample.n }
      : { rule: draft.value, payload: file?.value },
  );
  if (!answer.ok) {
    for (const problem of serverProblems(draft, answer.problem, "/rule")) io.out(formatProblem(problem));
    return ExitCodes.Problems;
  }
  const { results, warnings = [] } = answer.body;
  // The server's warnings are what a save of this draft would answer; they change nothing here.
  for (const warning of asWarnings(problemsAt(draft, warnings))) io.out(formatProblem(warning));
  if (results.length === 0)
    io.out("no inbound event of this trigger is stored yet: nothing to run the rule on");
  results.forEach((result, i) => {
    for (const line of describeResult(result, file ?? { event: i + 1 })) io.out(line);
  });
  return ExitCodes.Ok;
}

function sampleOf(flags: ParsedCommandLine["flags"]): Sample {
  const { payload, recent } = flags;
  if ((payload === undefined) === (recent === undefined))
    throw new UsageError("give either --payload <file> or --recent <n>", COMMAND);
  if (typeof payload === "string") return { kind: "payload", file: payload };
  if (typeof recent !== "string" || !/^[1-9]\d*$/.test(recent)) {
    throw new UsageError(
      `--recent takes a whole number of events, at least 1, not ${JSON.stringify(recent)}`,
      COMMAND,
    );
  }
  return { kind: "recent", n: Number(recent) };
}

async function readRule(file: string): Promise<Read<SourceDocument>> {
  const loaded = await loadFiles([file]);
  const [source] = loaded.files;
  if (source === undefined) return { ok: false, problems: loaded.problems };
  const read = readDocument(source);
  if (Array.isArray(read)) return { ok: false, problems: read };
  if (read.kind === "rule") return { ok: true, value: read };
  return {
    ok: false,
    problems: problemsAt(read, [
      {
        path: "",
        message: 'is an inbound event definition; dry-run takes a rule (with "on" and "actions")',
        code: "kind",
      },
    ]),
  };
}

async function readPayload(file: string): Promise<Read<Payload>> {
  const loaded = await loadFiles([file]);
  const [source] = loaded.files;
  if (source === undefined) return { ok: false, problems: loaded.problems };
  const parsed = parseJsonWithPositions(source.text);
  if (!parsed.ok)
    return {
      ok: false,
      problems: [{ file, position: parsed.position, message: parsed.message, code: "json" }],
    };
  return { ok: true, value: { file, value: parsed.value, locate: parsed.locate } };
}

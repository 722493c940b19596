import type { Kysely } from "kysely";
import type { Infer } from "@switchboard/contracts";
import { NotFoundError, ValidationError, err } from "@switchboard/errors";
import { compileRule, dryRun, type CompiledRule, type RuleWarning } from "@switchboard/rules";
import type { RulesEngineParts } from "./engine-parts.js";
import { recentSamples } from "./inbound-sample.repository.js";
import type { PayloadValidator } from "./payload-schema.js";
import { findRule, findRuleVersion } from "./rule.repository.js";
import { checkRule, invalidRule } from "./rule-validation.js";
import { payloadValidatorOf } from "./trigger-schemas.js";
import { parseDateTimeParam } from "./date-time-param.js";
import type { dryRunBody } from "./rules-engine.schemas.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

type Sources = Pick<RulesEngineParts, "schemas" | "eventRefs">;

/** What a dry run takes: the body of its POST. */
export type DryRunRequest = Infer<typeof dryRunBody>;

export type DryRunItem = ReturnType<typeof dryRun> & { messageId?: string };

export interface DryRunReport {
  ruleId: string;
  /** Undefined for a draft. */
  version: number | undefined;
  trigger: { kind: "inbound" | "event"; name: string };
  results: DryRunItem[];
  /** What a save of this document would warn of (paths an open object does not declare). */
  warnings: RuleWarning[];
}

/**
 * Says what a rule (a draft, or a saved version) would do with a payload or with the last N
 * messages received for its trigger: valid or not, matched or not, the resolved actions. It only
 * reads: no command is sent, nothing is recorded.
 */
export async function runDryRun(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  request: DryRunRequest,
): Promise<DryRunReport> {
  const hasPayload = Object.hasOwn(request, "payload");
  if ((request.rule === undefined) === (request.ruleId === undefined))
    throw new ValidationError("give either rule (a draft) or ruleId");
  if (hasPayload === (request.recent !== undefined))
    throw new ValidationError("give either payload or recent");
  if (request.rule !== undefined && request.version !== undefined)
    throw new ValidationError("version goes with ruleId, not with a draft rule");
  const { compiled, version, warnings } =
    request.rule !== undefined
      ? await draft(db, sources, orgId, request.rule)
      : await saved(db, sources, orgId, request);
  const { kind, name } = compiled.trigger;
  const validate =
    (await payloadValidatorOf(
      db,
      sources,
      orgId,
      kind === "inbound" ? { inbound: name } : { event: name },
    )) ?? undeclared(compiled);
  const receivedAt = receivedAtOf(request.receivedAt);
  const payloads = hasPayload
    ? [{ payload: request.payload, time: receivedAt }]
    : await samples(db, orgId, compiled, request.recent!);
  const results = payloads.map(({ payload, messageId, time }) => ({
    ...(messageId === undefined ? {} : { messageId }),
    ...dryRun(compiled, payload, validate, messageTimeOf(compiled, payload, time)),
  }));
  return { ruleId: compiled.id, version, trigger: compiled.trigger, results, warnings };
}

type Chosen = { compiled: CompiledRule; warnings: RuleWarning[] };

async function draft(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  document: unknown,
): Promise<Chosen & { version: undefined }> {
  const checked = await checkRule(db, sources, orgId, document);
  if (!checked.ok) throw invalidRule(checked.error);
  const compiled = compileRule(checked.value, { version: 0 });
  return { compiled, version: undefined, warnings: checked.warnings };
}

/**
 * The given version, else the active one, else the latest. It is checked again only for its
 * warnings, against its trigger's schema as it is now; the dry run shows it as it would run.
 */
async function saved(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  request: DryRunRequest,
): Promise<Chosen & { version: number }> {
  const ruleId = request.ruleId!;
  const head = await findRule(db, orgId, ruleId);
  if (head === undefined) throw new NotFoundError(`rule ${ruleId} does not exist`);
  const version = request.version ?? head.activeVersion ?? head.latestVersion;
  const found = await findRuleVersion(db, orgId, ruleId, version);
  if (found === undefined)
    throw new NotFoundError(`rule ${ruleId} has no version ${version} (latest: ${head.latestVersion})`);
  const { warnings } = await checkRule(db, sources, orgId, found.document);
  return { compiled: compileRule(found.document, { version }), version, warnings };
}

async function samples(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  compiled: CompiledRule,
  n: number,
): Promise<{ payload: unknown; messageId?: string; time: Date }[]> {
  if (compiled.trigger.kind !== "inbound") {
    throw new ValidationError(
      `recent messages are kept for inbound events only; give a payload to dry-run a rule on ${compiled.trigger.name}`,
    );
  }
  return (await recentSamples(db, orgId, compiled.trigger.name, n)).map((s) => ({
    payload: s.payload,
    messageId: s.messageId,
    time: new Date(s.receivedAt),
  }));
}

/** When a dry-run payload is taken to arrive: `receivedAt`, else the time of the request. */
function receivedAtOf(text: string | undefined): Date {
  return text === undefined ? new Date() : parseDateTimeParam("receivedAt", text);
}

/** As the engine reads it: a system event's own occurredAt, else when the message is received. */
function messageTimeOf(compiled: CompiledRule, payload: unknown, received: Date): Date {
  if (compiled.trigger.kind !== "event" || typeof payload !== "object" || payload === null) return received;
  const occurredAt = (payload as { occurredAt?: unknown }).occurredAt;
  const time = typeof occurredAt === "string" ? Date.parse(occurredAt) : NaN;
  return Number.isNaN(time) ? received : new Date(time);
}

/** As the engine would: a message of an undeclared event is dead-lettered, not evaluated. */
function undeclared(compiled: CompiledRule): PayloadValidator {
  const message = `${compiled.trigger.kind} event ${JSON.stringify(compiled.trigger.name)} is not declared`;
  return () => err([{ path: "", message, keyword: "undeclared" }]);
}

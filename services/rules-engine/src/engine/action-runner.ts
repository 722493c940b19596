import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import type { CompiledRule, ResolvedAction } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";

interface ActionBase {
  index: number;
  type: string;
  params: Record<string, unknown>;
  idempotencyKey: string;
  /** An element of a forEach: its position in the list and its key. */
  element?: { index: number; key: string };
}

/** What one action did, as recorded in the rule run. */
export type ActionResult =
  | (ActionBase & { outcome: "done"; result: unknown })
  | (ActionBase & { outcome: "emit" })
  /** A rule with a timer: the action runs when it fires, with this key. */
  | (ActionBase & { outcome: "scheduled"; dueAt: string })
  | (ActionBase & { outcome: "failed"; error: { code: string; message: string } });

/** The rule an action belongs to, as its idempotency key and `requestedBy` name it. */
export type RuleRef = Pick<CompiledRule, "id" | "version">;

/** Errors a retry cannot fix: the action is wrong for this data (or the data for it). */
const PERMANENT = new Set<string>([
  ErrorCodes.Validation,
  ErrorCodes.NotFound,
  ErrorCodes.Conflict,
  ErrorCodes.InvalidName,
  ErrorCodes.Forbidden,
]);

export function isPermanent(error: unknown): boolean {
  return isSwitchboardError(error) && PERMANENT.has(error.code);
}

export interface ActionContext {
  orgId: string;
  /** The largest event the bus carries (NATS max_payload), when known. */
  maxEventBytes?: number | undefined;
  /** Names the triggering message in every action's idempotency key. */
  dedupKey: string;
  traceId: string;
  call: CommandCaller;
}

/** Room for the envelope's other fields (ids, times, names) and the headers the relay adds. */
const EMIT_ENVELOPE_ALLOWANCE = 2_048;

/** Why the event an emit would write is too large for the bus, or undefined. */
function emitTooLarge(
  params: Record<string, unknown>,
  maxEventBytes: number | undefined,
): string | undefined {
  if (maxEventBytes === undefined) return undefined;
  const size = Buffer.byteLength(JSON.stringify(params.info ?? {}), "utf8") + EMIT_ENVELOPE_ALLOWANCE;
  if (size <= maxEventBytes) return undefined;
  return `the event this emit would publish is about ${size} bytes, more than the event bus carries (${maxEventBytes} bytes); emit less data`;
}

/**
 * `<dedupKey>/<ruleId>@<version>/<actionIndex>`, and `/<element key>` for an element of a forEach
 * (URI-encoded, so a key with a slash cannot pose as another's): a redelivery resends the same keys,
 * so effects happen once.
 */
export function idempotencyKeyOf(
  dedupKey: string,
  rule: RuleRef,
  action: Pick<ResolvedAction, "index" | "element">,
): string {
  const base = `${dedupKey}/${rule.id}@${rule.version}/${action.index}`;
  return action.element === undefined ? base : `${base}/${encodeURIComponent(action.element.key)}`;
}

/**
 * Runs a matched rule's actions in order. A transient failure (a service down, a timeout) is
 * thrown so the message is retried with the same keys; a permanent one is recorded and ends the
 * rule's remaining actions. `emit` actions are returned for the caller to write to the outbox in
 * the transaction that records the run.
 */
export async function runActions(
  ctx: ActionContext,
  rule: RuleRef,
  actions: ResolvedAction[],
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    const idempotencyKey = idempotencyKeyOf(ctx.dedupKey, rule, action);
    const base = {
      index: action.index,
      type: action.type,
      params: action.params,
      idempotencyKey,
      ...(action.element === undefined ? {} : { element: action.element }),
    };
    if (action.target.kind === "emit") {
      const tooLarge = emitTooLarge(action.params, ctx.maxEventBytes);
      if (tooLarge !== undefined) {
        // Written to the outbox, it could never be published: refused here, like any emitEvent.
        results.push({
          ...base,
          outcome: "failed",
          error: { code: ErrorCodes.BodyTooLarge, message: tooLarge },
        });
        break;
      }
      results.push({ ...base, outcome: "emit" });
      continue;
    }
    try {
      const result = await ctx.call(action.target.service, action.target.command, {
        orgId: ctx.orgId,
        idempotencyKey,
        requestedBy: `rule:${rule.id}@${rule.version}`,
        traceId: ctx.traceId,
        params: action.params,
      });
      results.push({ ...base, outcome: "done", result });
    } catch (error) {
      if (!isPermanent(error)) throw error;
      const { code, message } = error as { code: string; message: string };
      results.push({ ...base, outcome: "failed", error: { code, message } });
      break;
    }
  }
  return results;
}

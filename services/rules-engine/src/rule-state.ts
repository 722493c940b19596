import type { RuleDocument } from "@switchboard/rules";
import type { RuleHead, TriggerKind } from "./rule.repository.js";
import { triggerKind, triggerName } from "./trigger-schemas.js";

/** What every rule write answers: the version it concerns and the rule's resulting state. */
export interface RuleState {
  ruleId: string;
  version: number;
  activeVersion: number | null;
  enabled: boolean;
}

export function ruleState(head: RuleHead, version = head.activeVersion ?? head.latestVersion): RuleState {
  return { ruleId: head.ruleId, version, activeVersion: head.activeVersion ?? null, enabled: head.enabled };
}

export function triggerOfDocument(document: RuleDocument): { kind: TriggerKind; name: string } {
  return { kind: triggerKind(document.on), name: triggerName(document.on) };
}

/** A version that becomes active brings its own on/off switch; PATCH flips it until the next activation. */
export const enabledOf = (document: RuleDocument): boolean => document.enabled ?? true;

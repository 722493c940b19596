export { ACTION_TYPES } from "./types.js";
export type {
  JsonLogic,
  Trigger,
  ActionType,
  ActionDocument,
  RuleDocument,
  RuleProblem,
  RuleWarning,
  RuleFindings,
  RuleValidation,
  TriggerSchemaLookup,
  RefResolver,
  ValidationContext,
  ActionTarget,
  ResolvedAction,
  CompiledRule,
  RuleEvaluation,
  DedupSpec,
  InboundDefinition,
  TimerDocument,
  TimerSchedule,
  CompiledTimer,
  CompiledCancel,
} from "./types.js";
export { ALLOWED_OPERATORS } from "./logic-shape.js";
export { isExpression, checkLogic } from "./logic-guard.js";
export { varPaths, checkVarPaths } from "./var-paths.js";
export type { VarPath } from "./var-paths.js";
export { compileLogic, truthy, EvaluationLimitError, EVALUATION_BUDGET } from "./logic-compiler.js";
export type { Evaluator } from "./logic-compiler.js";
export { ACTION_SPECS, PLATFORM_EVENT_TYPES } from "./action-specs.js";
export type { ActionSpec, ParamSpec } from "./action-specs.js";
export { RULE_SCHEMA } from "./rule-schema.js";
export { INBOUND_DEFINITION_SCHEMA } from "./inbound-definition-schema.js";
export { validateRule } from "./rule-validator.js";
export { compileRule } from "./rule-compiler.js";
export { validateDedup, dedupKeyOf } from "./dedup.js";
export { validateInboundDefinition } from "./inbound-definition.js";
export { dryRun } from "./dry-run.js";
export { parseDuration } from "./iso-duration.js";

export type { DryRunResult } from "./dry-run.js";
export { diffDocuments } from "./document-diff.js";
export type { DocumentChange } from "./document-diff.js";
export { parseJsonDocument, locatePointer, duplicateKeyProblems } from "./json-text.js";
export { scanJson } from "./json-scanner.js";
export type { JsonScan, JsonSyntaxError, WrittenAt } from "./json-scanner.js";
export { textPositions } from "./text-position.js";
export type { TextPosition } from "./text-position.js";
export { valueAt } from "./json-pointer.js";
export { precompiledValidatorsModule, usePrecompiledValidators } from "./precompiled.js";
export { checkPayloadSchema } from "./payload-schema-check.js";
export { externalRefOf } from "./payload-schema-refs.js";
export type { ExternalRef } from "./payload-schema-refs.js";

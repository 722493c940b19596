import type { Kysely } from "kysely";
import { err } from "@switchboard/errors";
import type { RefResolver, Trigger } from "@switchboard/rules";
import type { RulesEngineParts } from "./engine-parts.js";
import { findDefinition } from "./inbound-definition.repository.js";
import { compilePayloadSchema, type PayloadValidator } from "./payload-schema.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

type Sources = Pick<RulesEngineParts, "schemas" | "eventRefs">;

/** Inbound definitions refuse references to other documents, so there is nothing to resolve. */
export const noRefs: RefResolver = () => undefined;

/** The trigger a document names, if its `on` has the expected shape; validation reports the rest. */
export function peekTrigger(document: unknown): Trigger | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  const on = (document as { on?: unknown }).on;
  if (typeof on !== "object" || on === null || Array.isArray(on)) return undefined;
  const { inbound, event } = on as { inbound?: unknown; event?: unknown };
  if (typeof inbound === "string" && event === undefined) return { inbound };
  if (typeof event === "string" && inbound === undefined) return { event };
  return undefined;
}

export const triggerKind = (t: Trigger): "inbound" | "event" => ("inbound" in t ? "inbound" : "event");
export const triggerName = (t: Trigger): string => ("inbound" in t ? t.inbound : t.event);

/** What a trigger's `var` paths read, and how to follow its references; undefined when not declared. */
export async function triggerSchemaOf(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  trigger: Trigger,
): Promise<{ schema: object; resolveRef: RefResolver } | undefined> {
  if ("inbound" in trigger) {
    const definition = await findDefinition(db, orgId, trigger.inbound);
    return definition === undefined ? undefined : { schema: definition.schema, resolveRef: noRefs };
  }
  const schema = sources.schemas.schema(trigger.event);
  return schema === undefined ? undefined : { schema, resolveRef: sources.eventRefs };
}

/** How a payload for this trigger is checked, as the engine would check it; undefined when not declared. */
export async function payloadValidatorOf(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  trigger: Trigger,
): Promise<PayloadValidator | undefined> {
  if ("event" in trigger) {
    const type = trigger.event;
    return sources.schemas.schema(type) === undefined
      ? undefined
      : (payload) => sources.schemas.validate(type, payload);
  }
  const definition = await findDefinition(db, orgId, trigger.inbound);
  if (definition === undefined) return undefined;
  const compiled = compilePayloadSchema(definition.schema);
  // A stored schema compiled when it was saved; if it no longer does, say so for every payload.
  return compiled.ok
    ? compiled.value
    : () =>
        err([
          {
            path: "",
            message: `the declared schema no longer compiles: ${compiled.error}`,
            keyword: "schema",
          },
        ]);
}

import { assertInboundName } from "@switchboard/events";
import { validateInboundDefinition } from "@switchboard/rules";
import type { SourceDocument } from "./source-documents.js";

type Found = { path: string; message: string; code: string };

/**
 * Checks an inbound event definition file as saving it would (shape, a payload schema that
 * compiles, dedup), and its name, which a file must carry since no URL names it.
 */
export function checkDefinition(document: SourceDocument): Found[] {
  const checked = validateInboundDefinition(document.value);
  // The name's own check says which characters are allowed, which a pattern mismatch does not.
  const found: Found[] = checked.ok
    ? []
    : checked.error.filter((p) => p.path !== "/name").map(pointIntoSchema);
  if (!Object.hasOwn(document.value, "description")) {
    // The API requires one, so a file without it would pass here and fail on apply.
    found.push({
      path: "",
      message: 'the definition needs a "description": what the event means, for whoever writes rules on it',
      code: "schema",
    });
  }
  return [...checkName(document.value["name"]), ...found];
}

/** Ajv names the broken part of a schema that does not compile ("data/properties/a/type must…");
 * point there rather than at the start of the whole schema. */
function pointIntoSchema(problem: Found): Found {
  const inner =
    problem.path === "/schema" ? /schema is invalid: data(\/[^\s,]+)/.exec(problem.message)?.[1] : undefined;
  return inner === undefined ? problem : { ...problem, path: `/schema${inner}` };
}

function checkName(name: unknown): Found[] {
  if (name === undefined)
    return [
      {
        path: "/name",
        message: 'the definition needs its inbound event name, e.g. "name": "scheduling.slotBooked"',
        code: "name",
      },
    ];
  try {
    assertInboundName(name);
    return [];
  } catch (error) {
    return [{ path: "/name", message: (error as Error).message, code: "name" }];
  }
}

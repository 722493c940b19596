import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { linearRegExp } from "./linear-regexp.js";

let shared: Ajv2020 | undefined;

/**
 * The validator for content managers' inbound payload schemas (draft 2020-12, strict, formats),
 * one per process. The rules engine checks a schema with it when it is saved and the ingress
 * compiles it again, so both must judge a payload alike: this is the one place their options live.
 * addUsedSchema off: two orgs may give their schemas the same $id without clashing in one instance.
 * Patterns run on a linear-time engine (see linear-regexp.ts).
 */
export function payloadSchemaAjv(): Ajv2020 {
  if (shared === undefined) {
    shared = new Ajv2020({
      strict: true,
      allErrors: true,
      allowUnionTypes: true,
      addUsedSchema: false,
      code: { regExp: linearRegExp },
    });
    addFormats.default(shared);
  }
  return shared;
}

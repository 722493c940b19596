import { _, type ValidateFunction } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { ACTION_SPECS } from "./action-specs.js";
import { INBOUND_DEFINITION_SCHEMA } from "./inbound-definition-schema.js";
import { RULE_SCHEMA } from "./rule-schema.js";
import { META_SCHEMA_ID, packageAjv, presetMetaSchemaValidator, presetValidator } from "./schema-errors.js";
import { ACTION_TYPES } from "./types.js";

/**
 * Every schema of the package's own that `compileSchema` meets (the rule and definition documents,
 * each action parameter), once each, in a fixed order.
 */
function packageSchemas(): object[] {
  const params = ACTION_TYPES.flatMap((type) =>
    Object.values(ACTION_SPECS[type].params).map((param) => param.schema),
  );
  return [...new Set<object>([RULE_SCHEMA, INBOUND_DEFINITION_SCHEMA, ...params])];
}

const exportName = (index: number) => `v${index}`;
/** The export of the draft 2020-12 meta-schema's validator, for checking payload schemas. */
const META_EXPORT = "meta";

/**
 * The package's validators as an ES module of ajv's standalone code: for a page whose
 * Content-Security-Policy forbids generating code at run time (ajv compiles with `new Function`).
 * A bundler bundles the module with ajv's runtime helpers, and the page hands it to
 * `usePrecompiledValidators` before it validates anything.
 */
export function precompiledValidatorsModule(): string {
  const ajv = packageAjv({
    source: true,
    esm: true,
    formats: _`require("ajv-formats/dist/formats").fullFormats`,
  });
  const names = packageSchemas().map((schema, index) => {
    ajv.addSchema(schema, exportName(index));
    return exportName(index);
  });
  return standaloneCode.default(ajv, {
    ...Object.fromEntries(names.map((name) => [name, name])),
    [META_EXPORT]: META_SCHEMA_ID,
  });
}

/**
 * Takes the validators of `precompiledValidatorsModule()` (the module's exports) in place of
 * compiling the package's schemas here; throws if they were made from other schemas than this
 * package's (a stale build).
 */
export function usePrecompiledValidators(module: Readonly<Record<string, unknown>>): void {
  const schemas = packageSchemas();
  const stale = () =>
    new Error("the precompiled validators do not match this rules package: build them again");
  if (Object.keys(module).length !== schemas.length + 1 || typeof module[META_EXPORT] !== "function")
    throw stale();
  schemas.forEach((schema, index) => {
    const validate = module[exportName(index)];
    if (typeof validate !== "function") throw stale();
    presetValidator(schema, validate as ValidateFunction);
  });
  presetMetaSchemaValidator(module[META_EXPORT] as ValidateFunction);
}

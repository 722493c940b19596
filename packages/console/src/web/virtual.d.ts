// Modules the console's build makes (src/build.ts), not files.
declare module "switchboard-console:validators" {
  // ajv's standalone validators, exported as v0, v1, …
  export const v0: unknown;
}
declare module "switchboard-console:event-schemas" {
  const schemas: { schemas: Record<string, object>; refs: Record<string, object> };
  export default schemas;
}

// The package ships no types; this declares only the two functions the compiler uses, so nothing
// else of its global operation table (add_operation, rm_operation) is reachable from typed code.
declare module "json-logic-js" {
  interface JsonLogic {
    apply(logic: unknown, data?: unknown): unknown;
    truthy(value: unknown): boolean;
  }
  const jsonLogic: JsonLogic;
  export = jsonLogic;
}

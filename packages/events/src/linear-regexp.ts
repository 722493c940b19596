import { RE2JS } from "re2js";

/** What ajv asks of a regular expression engine (its `code.regExp` option). */
export type LinearRegExpEngine = ((
  pattern: string,
  flags: string,
) => { test(input: string): boolean; toString(): string }) & {
  code: string;
};

/**
 * Patterns of content managers' payload schemas (`pattern`, `patternProperties`) run on every
 * payload, at the HTTP edge and in the engine. JavaScript's engine backtracks: `^(a|aa)+$` on 40
 * characters takes hours. RE2 (here its JavaScript port) matches in time linear in the input,
 * whatever the pattern; it has no lookaround and no backreferences, so a pattern using them is
 * refused when its schema is compiled, with RE2's reason.
 */
export const linearRegExp: LinearRegExpEngine = Object.assign(
  (pattern: string) => {
    let compiled: ReturnType<typeof RE2JS.compile>;
    try {
      compiled = RE2JS.compile(pattern);
    } catch (error) {
      throw new Error(
        `pattern ${JSON.stringify(pattern)} is not supported: ${(error as Error).message} (patterns run on a linear-time engine, without lookaround or backreferences)`,
      );
    }
    // ajv keys its cache of compiled patterns by toString(): it must tell patterns apart.
    return { test: (input: string) => compiled.matcher(input).find(), toString: () => `re2:${pattern}` };
  },
  { code: "linearRegExp" },
);

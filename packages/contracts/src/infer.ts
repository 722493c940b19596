/**
 * The TypeScript type of a value a JSON Schema (declared `as const`) accepts, for the keywords
 * contracts use: `type` (one or several), `enum`, `const`, `anyOf`, `properties` with `required`
 * and `additionalProperties: false` (a property with a `default` counts as required: validation fills
 * it in), `items`, and `oneOf` branches that only say which properties
 * are required. Limits such as `maxLength` or `format` narrow no type; the schema checks them at
 * run time. Anything else infers as `unknown`.
 */
export type Infer<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly anyOf: readonly (infer A)[] }
      ? Infer<A>
      : S extends { readonly type: infer T }
        ? FromType<T, S>
        : unknown;

type FromType<T, S> = T extends readonly (infer U)[]
  ? FromType<U, S>
  : T extends "string"
    ? string
    : T extends "integer" | "number"
      ? number
      : T extends "boolean"
        ? boolean
        : T extends "null"
          ? null
          : T extends "array"
            ? InferArray<S>
            : T extends "object"
              ? InferObject<S>
              : unknown;

type InferArray<S> = S extends { readonly items: infer I } ? Infer<I>[] : unknown[];

type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

type DefaultedOf<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type Flat<T> = { [K in keyof T]: T[K] } & {};

type Properties<P, R> = Flat<
  { -readonly [K in keyof P & R]: Infer<P[K]> } & { -readonly [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

type Open<T, S> = S extends { readonly additionalProperties: false } ? T : T & { [key: string]: unknown };

/** `oneOf: [{ required: ["a"] }, { required: ["b"] }]`: one branch per alternative, its properties required. */
type Alternatives<T, B> = B extends { readonly required: readonly (infer R)[] }
  ? Flat<T & { [K in R & keyof T]-?: Exclude<T[K], undefined> }>
  : T;

type InferObject<S> = S extends { readonly properties: infer P }
  ? S extends { readonly oneOf: readonly (infer B)[] }
    ? Open<Alternatives<Properties<P, RequiredOf<S> | DefaultedOf<P>>, B>, S>
    : Open<Properties<P, RequiredOf<S> | DefaultedOf<P>>, S>
  : { [key: string]: unknown };

// json-source-map ships no types; only `parse` is used here.
declare module "json-source-map" {
  export interface SourcePosition {
    /** Zero-based. */
    line: number;
    /** Zero-based; the library counts a tab as four columns, so callers derive columns from `pos`. */
    column: number;
    /** Zero-based character offset into the source. */
    pos: number;
  }

  export interface PointerLocation {
    key?: SourcePosition;
    keyEnd?: SourcePosition;
    value: SourcePosition;
    valueEnd: SourcePosition;
  }

  export function parse(source: string): { data: unknown; pointers: Record<string, PointerLocation> };

  const jsonSourceMap: { parse: typeof parse };
  export default jsonSourceMap;
}

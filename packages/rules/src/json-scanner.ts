import { childPointer } from "./json-pointer.js";

/** Where a value was written: offsets into the scanned text, and its key's when it is a member. */
export interface WrittenAt {
  key?: number;
  value: number;
}

export interface JsonSyntaxError {
  /**
   * `empty`: nothing but white space; `end`: the text stops before its value is complete, and the
   * offset is where the writing stops; `depth`: nested deeper than the scanner follows, at the
   * bracket one level too deep; `unexpected`: the character at the offset cannot stand there.
   */
  kind: "empty" | "end" | "depth" | "unexpected";
  offset: number;
  message: string;
}

interface Scanned {
  /** The text the offsets count in: the given one without its byte-order mark. */
  text: string;
  /** Every value read, by JSON pointer; of a key given twice, the last, which JSON.parse keeps. */
  written: ReadonlyMap<string, WrittenAt>;
}

export type JsonScan =
  | (Scanned & { ok: true; value: unknown; duplicates: readonly { pointer: string; offset: number }[] })
  | (Scanned & { ok: false; error: JsonSyntaxError });

const MAX_JSON_DEPTH = 512;

/**
 * Reads a JSON text and keeps where each value was written, the keys given twice (JSON.parse
 * silently keeps the last) and the offset of the first syntax error: the offsets JSON.parse does
 * not give on every runtime. Without dependencies, so a browser can run it too.
 */
export function scanJson(text: string): JsonScan {
  // Editors on Windows save a byte-order mark that JSON itself does not allow.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const scanner = new Scanner(source);
  const error = scanner.document();
  const { written, duplicates } = scanner;
  if (error !== undefined) return { ok: false, text: source, written, error };
  return { ok: true, text: source, written, duplicates, value: JSON.parse(source) as unknown };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]+|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const ESCAPE = /["\\/bfnrt]|u[0-9a-fA-F]{4}/y;
const SPACE = " \t\n\r";

class Scanner {
  private i = 0;
  readonly written = new Map<string, WrittenAt>();
  readonly duplicates: { pointer: string; offset: number }[] = [];

  constructor(private readonly text: string) {}

  document(): JsonSyntaxError | undefined {
    this.space();
    if (this.i >= this.text.length)
      return { kind: "empty", offset: 0, message: "the text is empty; expected a JSON object" };
    const failure = this.value("", 0, undefined);
    if (failure !== undefined) return failure;
    this.space();
    return this.i < this.text.length ? this.fail("unexpected text after the end of the document") : undefined;
  }

  private value(pointer: string, depth: number, key: number | undefined): JsonSyntaxError | undefined {
    this.written.set(pointer, key === undefined ? { value: this.i } : { key, value: this.i });
    if (depth > MAX_JSON_DEPTH)
      return { kind: "depth", offset: this.i, message: `nested more than ${MAX_JSON_DEPTH} levels deep` };
    const c = this.text[this.i];
    if (c === "{") return this.object(pointer, depth);
    if (c === "[") return this.array(pointer, depth);
    if (c === '"') {
      const read = this.string();
      return typeof read === "string" ? undefined : read;
    }
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = this.i;
    if (NUMBER.exec(this.text) !== null) {
      this.i = NUMBER.lastIndex;
      return undefined;
    }
    if (c === "'") return this.fail("strings must use double quotes");
    return this.fail(
      c === undefined ? "the document ends too early" : `unexpected ${JSON.stringify(c)}; expected a value`,
    );
  }

  private object(pointer: string, depth: number): JsonSyntaxError | undefined {
    this.i++;
    const keys = new Set<string>();
    this.space();
    if (this.text[this.i] === "}") return void this.i++;
    for (;;) {
      this.space();
      const keyAt = this.i;
      if (this.text[this.i] !== '"') return this.fail("expected a property name in double quotes");
      const key = this.string();
      if (typeof key !== "string") return key;
      const at = childPointer(pointer, key);
      if (keys.has(key)) this.duplicates.push({ pointer: at, offset: keyAt });
      keys.add(key);
      this.space();
      if (this.text[this.i] !== ":")
        return this.fail(`expected ":" after the property name ${JSON.stringify(key)}`);
      this.i++;
      this.space();
      const failure = this.value(at, depth + 1, keyAt);
      if (failure !== undefined) return failure;
      this.space();
      const next = this.text[this.i++];
      if (next === "}") return undefined;
      if (next !== ",")
        return this.fail(`expected "," or "}" after the value of ${JSON.stringify(key)}`, this.i - 1);
      this.space();
      if (this.text[this.i] === "}") return this.fail("trailing comma before }");
    }
  }

  private array(pointer: string, depth: number): JsonSyntaxError | undefined {
    this.i++;
    this.space();
    if (this.text[this.i] === "]") return void this.i++;
    for (let index = 0; ; index++) {
      this.space();
      const failure = this.value(childPointer(pointer, index), depth + 1, undefined);
      if (failure !== undefined) return failure;
      this.space();
      const next = this.text[this.i++];
      if (next === "]") return undefined;
      if (next !== ",") return this.fail('expected "," or "]" after an array item', this.i - 1);
      this.space();
      if (this.text[this.i] === "]") return this.fail("trailing comma before ]");
    }
  }

  /** The decoded string at the cursor, or the first character that keeps it from being a JSON string. */
  private string(): string | JsonSyntaxError {
    const start = this.i;
    STRING.lastIndex = start;
    if (STRING.exec(this.text) !== null) {
      this.i = STRING.lastIndex;
      return JSON.parse(this.text.slice(start, this.i)) as string;
    }
    for (let i = start + 1; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c < " ") return this.fail(`unescaped control character ${JSON.stringify(c)} in a string`, i);
      if (c !== "\\") continue;
      ESCAPE.lastIndex = i + 1;
      if (ESCAPE.exec(this.text) !== null) i = ESCAPE.lastIndex - 1;
      else if (i + 1 < this.text.length) return this.fail("invalid escape in a string", i + 1);
    }
    return this.fail("the document ends inside a string", this.text.length);
  }

  private space(): void {
    while (this.i < this.text.length && SPACE.includes(this.text[this.i]!)) this.i++;
  }

  /** A failure at an offset; one past the text is its end, reported where the writing stops. */
  private fail(message: string, offset = this.i): JsonSyntaxError {
    if (offset < this.text.length) return { kind: "unexpected", offset, message };
    let end = this.text.length;
    while (end > 0 && SPACE.includes(this.text[end - 1]!)) end--;
    return { kind: "end", offset: end, message };
  }
}

import { err, ok, type Result } from "@switchboard/errors";
import { childPointer } from "./json-pointer.js";
import type { RuleProblem } from "./types.js";

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/**
 * Parses a rule or definition file. Refuses text that is not JSON with the line and column of the
 * first error, and duplicate keys (JSON.parse silently keeps the last one, so a second "when"
 * would quietly replace the first).
 */
export function parseJsonDocument(text: string): Result<unknown, RuleProblem[]> {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const scan = new Scanner(source, undefined);
  const failure = scan.document();
  if (failure !== undefined) {
    const { line, column } = positionOf(source, failure.offset);
    return err([
      {
        path: "",
        message: `not valid JSON at line ${line}, column ${column}: ${failure.message}`,
        code: "json",
      },
    ]);
  }
  if (scan.duplicates.length > 0) {
    return err(
      scan.duplicates.map(({ pointer, offset }) => {
        const { line } = positionOf(source, offset);
        return {
          path: pointer,
          message: `duplicate key at line ${line}: ${pointer} is given twice; JSON keeps only the last`,
          code: "json",
        };
      }),
    );
  }
  return ok(JSON.parse(source) as unknown);
}

/** Where the value at a JSON pointer starts in the text, to put line numbers on problems. */
export function locatePointer(text: string, pointer: string): TextPosition | undefined {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const scan = new Scanner(source, pointer);
  scan.document();
  return scan.located === undefined ? undefined : positionOf(source, scan.located);
}

function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

interface Failure {
  offset: number;
  message: string;
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]+|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** A JSON syntax checker that knows where it is: the offsets JSON.parse does not give on every Node version. */
class Scanner {
  private i = 0;
  readonly duplicates: { pointer: string; offset: number }[] = [];
  located: number | undefined;

  constructor(
    private readonly text: string,
    private readonly target: string | undefined,
  ) {}

  document(): Failure | undefined {
    this.space();
    if (this.i >= this.text.length) return this.fail("the text is empty; expected a JSON object");
    const failure = this.value("", 0);
    if (failure !== undefined) return failure;
    this.space();
    return this.i < this.text.length ? this.fail("unexpected text after the end of the document") : undefined;
  }

  private value(pointer: string, depth: number): Failure | undefined {
    if (pointer === this.target) this.located = this.i;
    if (depth > MAX_DEPTH) return this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    const c = this.text[this.i];
    if (c === "{") return this.object(pointer, depth);
    if (c === "[") return this.array(pointer, depth);
    if (c === '"')
      return this.string() === undefined
        ? this.fail("unterminated string or invalid escape in a string")
        : undefined;
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

  private object(pointer: string, depth: number): Failure | undefined {
    this.i++;
    const keys = new Set<string>();
    this.space();
    if (this.text[this.i] === "}") return void this.i++;
    for (;;) {
      this.space();
      const keyAt = this.i;
      const key = this.text[this.i] === '"' ? this.string() : undefined;
      if (key === undefined) return this.fail("expected a property name in double quotes");
      const at = childPointer(pointer, key);
      if (keys.has(key)) this.duplicates.push({ pointer: at, offset: keyAt });
      keys.add(key);
      this.space();
      if (this.text[this.i] !== ":")
        return this.fail(`expected ":" after the property name ${JSON.stringify(key)}`);
      this.i++;
      this.space();
      const failure = this.value(at, depth + 1);
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

  private array(pointer: string, depth: number): Failure | undefined {
    this.i++;
    this.space();
    if (this.text[this.i] === "]") return void this.i++;
    for (let index = 0; ; index++) {
      this.space();
      const failure = this.value(childPointer(pointer, index), depth + 1);
      if (failure !== undefined) return failure;
      this.space();
      const next = this.text[this.i++];
      if (next === "]") return undefined;
      if (next !== ",") return this.fail('expected "," or "]" after an array item', this.i - 1);
      this.space();
      if (this.text[this.i] === "]") return this.fail("trailing comma before ]");
    }
  }

  /** The decoded string at the cursor, or undefined when it is not a valid JSON string. */
  private string(): string | undefined {
    STRING.lastIndex = this.i;
    const match = STRING.exec(this.text);
    if (match === null) return undefined;
    this.i = STRING.lastIndex;
    return JSON.parse(match[0]) as string;
  }

  private space(): void {
    while (this.i < this.text.length && " \t\n\r".includes(this.text[this.i]!)) this.i++;
  }

  private fail(message: string, offset = this.i): Failure {
    return { offset, message };
  }
}

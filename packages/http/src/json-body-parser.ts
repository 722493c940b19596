import type { FastifyInstance, FastifyRequest } from "fastify";
import { ErrorCodes, SwitchboardError } from "@switchboard/errors";

declare module "fastify" {
  interface FastifyRequest {
    /** The exact bytes of a JSON body, for signature checks and idempotency hashing. */
    rawBody?: Buffer;
  }
}

/** `application/json` and every structured-syntax `+json` type (RFC 6839), e.g. `application/cloudevents+json`. */
export const JSON_MEDIA_TYPE = /^application\/(?:[\w!#$&^.+-]+\+)?json(?:\s*;|\s*$)/i;

/** Keys that, once copied into another object, can rewrite its prototype. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor"]);

const BODYLESS_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS"]);

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Replaces every default body parser with one strict JSON parser: other media types get 415 unless a
 * plugin adds its own parser, and no JSON body is ever accepted silently repaired.
 */
export function installJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  app.decorateRequest("rawBody", undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: "buffer" }, (request: FastifyRequest, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    // Many clients label every request JSON; a DELETE or GET, which needs no body, may come with an empty one.
    if (raw.length === 0 && BODYLESS_METHODS.has(request.method)) {
      done(null, undefined);
      return;
    }
    try {
      assertUtf8Charset(request.headers["content-type"]);
      done(null, parseStrictJson(raw, maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/**
 * Parses a JSON document, rejecting what the platform never wants to see: invalid UTF-8, an empty body,
 * nesting deeper than `maxDepth` (checked before parsing, so a hostile body costs one scan) and
 * prototype-polluting keys anywhere in the tree.
 */
export function parseStrictJson(raw: Buffer | string, maxDepth: number): unknown {
  const text = typeof raw === "string" ? raw : decode(raw);
  if (text.trim() === "") throw malformed("the request body is empty; a JSON value is required");
  if (exceedsDepth(text, maxDepth)) {
    throw new SwitchboardError(ErrorCodes.JsonTooDeep, `JSON is nested deeper than ${maxDepth} levels`);
  }
  const value = parse(text);
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined)
    throw malformed(`JSON key "${forbidden.at(-1)}" is not allowed (at /${forbidden.join("/")})`);
  return value;
}

function decode(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw malformed("the request body is not valid UTF-8");
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformed(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Counts container nesting outside strings; malformed input may miscount, but JSON.parse rejects it next. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The path to the first forbidden key; recursion is safe because depth was bounded before parsing. */
export function findForbiddenKey(value: unknown): string[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const below = findForbiddenKey(value[i]);
      if (below !== undefined) return [String(i), ...below];
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return [key];
    const below = findForbiddenKey((value as Record<string, unknown>)[key]);
    if (below !== undefined) return [key, ...below];
  }
  return undefined;
}

/** JSON is UTF-8 (RFC 8259); a body declared otherwise would be decoded wrongly, so refuse it. */
function assertUtf8Charset(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new SwitchboardError(
      ErrorCodes.UnsupportedMediaType,
      `charset ${charset} is not supported; send UTF-8 JSON`,
    );
  }
}

function malformed(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCodes.MalformedJson, message);
}

import { accessSync, constants, statSync } from "node:fs";
import { ConfigError } from "@switchboard/errors";

export type Env = Readonly<Record<string, string | undefined>>;

/** Small typed readers; each error names the variable so the operator knows what to fix. */
export function readString(env: Env, name: string, fallback?: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") {
    if (fallback === undefined) throw new ConfigError(name, "is required but not set");
    return fallback;
  }
  return raw.trim();
}

export function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

/** A path to a readable file, or undefined when the variable is absent. */
export function readFilePath(env: Env, name: string): string | undefined {
  const value = readOptional(env, name);
  if (value === undefined) return undefined;
  try {
    if (!statSync(value).isFile()) throw new ConfigError(name, `${value} is not a file`);
    accessSync(value, constants.R_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(name, `cannot read ${value}: ${(error as Error).message}`);
  }
  return value;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

export function readList(env: Env, name: string): string[] {
  const raw = readOptional(env, name);
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = readOptional(env, name);
  return raw === undefined ? undefined : checkUrl(name, raw, protocols);
}

/** A comma-separated list of URLs (e.g. every node of a NATS cluster), each checked like readUrl. */
export function readUrlList(env: Env, name: string, protocols: readonly string[]): string[] {
  return readList(env, name).map((raw) => checkUrl(name, raw, protocols));
}

function checkUrl(name: string, raw: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(" or ")}, got "${url.protocol}"`);
  }
  return raw;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function readToken(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!TOKEN.test(value)) throw new ConfigError(name, `must match [A-Za-z0-9_-]+, got "${value}"`);
  return value;
}

/** A comma-separated list of whole numbers, e.g. a retry schedule in milliseconds. */
export function readIntList(env: Env, name: string, fallback: number[], min: number, max: number): number[] {
  const items = readList(env, name);
  if (items.length === 0) return fallback;
  return items.map((raw) => {
    if (!/^\d+$/.test(raw))
      throw new ConfigError(name, `must be comma-separated whole numbers, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
      throw new ConfigError(name, `values must be between ${min} and ${max}, got ${value}`);
    return value;
  });
}

import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export interface ParsedCommandLine {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
  help: boolean;
}

/**
 * Parses one command's arguments strictly: an unknown flag, or a flag without its value, is a
 * usage error naming the flag, never silently ignored (a mistyped `--activate` must not apply
 * rules without activating them).
 */
export function parseCommandLine(args: string[], spec: FlagSpec, command: string): ParsedCommandLine {
  const options = { ...spec, help: { type: "boolean", short: "h" } } as const satisfies FlagSpec;
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    const { help, ...flags } = values as Record<string, string | boolean | undefined>;
    return { positionals, flags, help: help === true };
  } catch (error) {
    throw new UsageError(describeParseError(error), command, { cause: error });
  }
}

function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const flag = /'(-[^' ]+)/.exec(message ?? "")?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${flag ?? message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return flag === undefined
        ? String(message)
        : `${flag} ${message?.includes("does not take") ? "takes no value" : "needs a value"}`;
    default:
      return String(message ?? error);
  }
}

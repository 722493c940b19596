import { parseCommandLine, type FlagSpec } from "./args.js";
import { runApply, APPLY_FLAGS } from "./commands/apply.js";
import { runDryRun, DRY_RUN_FLAGS } from "./commands/dry-run.js";
import {
  NATS_CREDS_FLAGS,
  NATS_INIT_FLAGS,
  NATS_ISSUER_FLAGS,
  runNatsCreds,
  runNatsInit,
  runNatsIssuer,
} from "./commands/nats.js";
import { runValidate, VALIDATE_FLAGS } from "./commands/validate.js";
import { ApiUnreachableError, ExitCodes, UsageError, type ExitCode } from "./errors.js";
import type { CliIo } from "./io.js";
import type { ParsedCommandLine } from "./args.js";
import { usageOf } from "./usage.js";

interface Command {
  flags: FlagSpec;
  run(args: ParsedCommandLine, io: CliIo): Promise<ExitCode>;
}

const RULES_COMMANDS: Record<string, Command> = {
  validate: { flags: VALIDATE_FLAGS, run: runValidate },
  apply: { flags: APPLY_FLAGS, run: runApply },
  "dry-run": { flags: DRY_RUN_FLAGS, run: runDryRun },
};

const NATS_COMMANDS: Record<string, Command> = {
  init: { flags: NATS_INIT_FLAGS, run: runNatsInit },
  creds: { flags: NATS_CREDS_FLAGS, run: runNatsCreds },
  issuer: { flags: NATS_ISSUER_FLAGS, run: runNatsIssuer },
};

const GROUPS: Record<string, { commands: Record<string, Command>; names: string }> = {
  rules: { commands: RULES_COMMANDS, names: "validate, apply or dry-run" },
  nats: { commands: NATS_COMMANDS, names: "init, creds or issuer" },
};

const HELP = new Set(["--help", "-h", "help"]);

/** Runs one command line and returns the exit status; it never exits the process itself. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`switchboard: ${error.message}\n`);
      io.err(usageOf(error.command));
      return ExitCodes.Usage;
    }
    if (error instanceof ApiUnreachableError) {
      io.err(`switchboard: ${error.message}`);
      return ExitCodes.Problems;
    }
    throw error;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<ExitCode> {
  const [group, name, ...rest] = argv;
  if (group !== undefined && HELP.has(group)) return help(io, "switchboard");
  if (group === undefined) throw new UsageError("no command given", "switchboard");
  const commands = Object.hasOwn(GROUPS, group) ? GROUPS[group] : undefined;
  if (commands === undefined) throw new UsageError(`unknown command ${JSON.stringify(group)}`, "switchboard");
  if (name !== undefined && HELP.has(name)) return help(io, group);
  if (name === undefined) throw new UsageError(`no ${group} command given (${commands.names})`, group);
  const command = Object.hasOwn(commands.commands, name) ? commands.commands[name] : undefined;
  if (command === undefined) throw new UsageError(`unknown command "${group} ${name}"`, group);
  const args = parseCommandLine(rest, command.flags, `${group} ${name}`);
  if (args.help) return help(io, `${group} ${name}`);
  return command.run(args, io);
}

function help(io: CliIo, command: string): ExitCode {
  io.out(usageOf(command));
  return ExitCodes.Ok;
}

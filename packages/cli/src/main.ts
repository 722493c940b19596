import { runCli } from "./cli.js";

// exitCode, not exit(): output piped to another program is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});

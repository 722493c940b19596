/** Where a command writes and what it reads from its surroundings, passed in so tests and
 * embedders need not touch the process's streams or environment. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

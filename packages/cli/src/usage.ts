/** Help texts, by command; `UsageError.command` picks the one printed with a usage error. */
const CONNECTION = `Connection (flags win over the environment):
  --org <org>    the organization            SWITCHBOARD_ORG
  --url <url>    the Switchboard API         SWITCHBOARD_URL   e.g. http://localhost:8080
  --key <key>    a content-manager API key   SWITCHBOARD_KEY   (prefer the variable: flags show in ps)`;

const TOP = `Usage: switchboard <command> [options]

Commands:
  rules validate <file|dir>…     check definitions and rules offline, with file:line:col errors
  rules apply <file|dir>…        validate, then save definitions and rules through the API
  rules dry-run <rule-file>      run a draft rule on a sample payload or on recent events

Run "switchboard rules --help" for the options.`;

const RULES = `Usage: switchboard rules <validate|apply|dry-run> … [options]

Files are JSON. An inbound event definition has "name", "description", "schema" and optional
"dedup"; a rule has "on" and "actions". A directory is searched recursively for *.json files.

  switchboard rules validate <file|dir>…
      Offline: checks every file against the formats, each rule against the definitions given
      with it (or the system event schemas for "on": {"event": …}). Exit 1 if any problem.

  switchboard rules apply <file|dir>… [--activate] [connection]
      Validates as above and applies nothing if a file has a problem; then saves every
      definition, then every rule (a changed rule becomes a new version).
      --activate     make each rule's newest version the active one

  switchboard rules dry-run <rule-file> (--payload <file> | --recent <n>) [connection]
      Sends the draft rule to the server, which checks it against the org's definitions and
      evaluates it on the payload, or on the last n stored inbound events; nothing is done.

${CONNECTION}

Exit status: 0 success, 1 problems found (or the server unreachable), 2 wrong usage.`;

const TEXTS: Record<string, string> = {
  switchboard: TOP,
  rules: RULES,
  "rules validate": RULES,
  "rules apply": RULES,
  "rules dry-run": RULES,
};

export function usageOf(command: string): string {
  return TEXTS[command] ?? TOP;
}

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
  nats init <dir>                a deployment's NATS authentication: server auth.conf, issuer, creds
  nats creds <dir> --services …  one more service credential from an initialised dir
  nats issuer <dir>              tenancy's issuer.json again, with this version's system user

Run "switchboard rules --help" or "switchboard nats --help" for the options.`;

const NATS = `Usage: switchboard nats <init|creds|issuer> <dir> [options]

  switchboard nats init <dir> [--namespace <ns>] [--operator <name>]
      Makes a deployment's operator and account keys and writes, into <dir> (mode 0700):
        auth.conf              include it beside deploy/nats's configs (it holds no secret)
        helm-auth-values.yaml  the same as values for the official NATS Helm chart
        issuer.json            tenancy's SWITCHBOARD_NATS_ISSUER_FILE (secret)
        creds/<service>.creds  each service process's NATS_CREDS (secret)
        creds/switchboard.creds  for a process running every service (secret)
        trust-chain.json       every key (secret): keep it offline
      Refuses a dir that already holds a key chain. --namespace must match SWITCHBOARD_NAMESPACE.

  switchboard nats creds <dir> --services <a,b> [--namespace <ns>] [--out <file>]
      A new creds file for a process running these services (to stdout, or <file> mode 0600).

  switchboard nats issuer <dir>
      Writes issuer.json (and the chain's system user) again with the system user this version
      needs, every key unchanged: for a dir made by an earlier version, whose system user cannot
      hear the connection events that NATS credentials' health counts. Hand it to tenancy.

Exit status: 0 success, 1 problems found, 2 wrong usage.`;

const RULES = `Usage: switchboard rules <validate|apply|dry-run> … [options]

Files are JSON. An inbound event definition has "name", "description", "schema" and optional
"dedup"; a rule has "on" and "actions". A directory is searched recursively for *.json files.

  switchboard rules validate <file|dir>… [--strict]
      Offline: checks every file against the formats, each rule against the definitions given
      with it (or the system event schemas for "on": {"event": …}). Exit 1 if any problem.
      Warnings (a field an open object's schema does not declare) are printed; they pass.
      --strict       count warnings as problems (exit 1)

  switchboard rules apply <file|dir>… [--activate] [--strict] [connection]
      Validates as above and applies nothing if a file has a problem; then saves every
      definition, then every rule (a changed rule becomes a new version), printing the
      server's warnings for each rule.
      --activate     make each rule's newest version the active one
      --strict       apply nothing if a file has a warning

  switchboard rules dry-run <rule-file> (--payload <file> | --recent <n>) [connection]
      Sends the draft rule to the server, which checks it against the org's definitions and
      evaluates it on the payload, or on the last n stored inbound events; nothing is done.
      Prints the warnings a save of the rule would give.

${CONNECTION}

Exit status: 0 success, 1 problems found (or the server unreachable), 2 wrong usage.`;

const TEXTS: Record<string, string> = {
  switchboard: TOP,
  rules: RULES,
  "rules validate": RULES,
  "rules apply": RULES,
  "rules dry-run": RULES,
  nats: NATS,
  "nats init": NATS,
  "nats creds": NATS,
  "nats issuer": NATS,
};

export function usageOf(command: string): string {
  return TEXTS[command] ?? TOP;
}

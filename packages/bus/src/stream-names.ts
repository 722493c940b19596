import { InvalidNameError } from "@switchboard/errors";

export interface StreamNames {
  events: string;
  inbound: string;
  dlq: string;
}

/** The three stream names for a deployment; the prefix lets tests and deployments share a server. */
export function streamNames(prefix: string): StreamNames {
  // Stream names may not contain dots, wildcards, spaces or path separators.
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new InvalidNameError(`stream prefix must match [A-Za-z0-9_-]*, got ${JSON.stringify(prefix)}`);
  }
  return { events: `${prefix}EVENTS`, inbound: `${prefix}INBOUND`, dlq: `${prefix}DLQ` };
}

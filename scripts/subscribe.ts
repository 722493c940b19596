/**
 * A minimal NATS subscriber, for trying Switchboard without installing a NATS CLI:
 *   npm run subscribe -- 'switchboard.events.hrh.>' --creds hrh.creds
 * NATS_URL picks the server (default nats://127.0.0.1:4222); the creds file (or NATS_CREDS) is a
 * credential from POST /v1/orgs/{org}/nats-credentials. Prints one JSON event per line.
 */
import { connect } from "@nats-io/transport-node";
import { natsOptions } from "./nats-options.js";

const { options, rest } = natsOptions(process.argv.slice(2), "switchboard-subscribe");
const subject = rest[0] ?? "switchboard.events.>";
const nc = await connect(options);
process.stderr.write(`subscribed to ${subject} on ${nc.getServer()}\n`);
const sub = nc.subscribe(subject);
process.on("SIGINT", () => void nc.drain());
for await (const msg of sub) {
  process.stdout.write(`${msg.subject} ${msg.string()}\n`);
}

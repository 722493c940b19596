/**
 * A minimal NATS subscriber, for trying Switchboard without installing a NATS CLI:
 *   npm run subscribe -- 'switchboard.events.hrh.>' --creds hrh.creds
 * NATS_URL picks the server (default nats://127.0.0.1:4222); the creds file (or NATS_CREDS) is a
 * credential from POST /v1/orgs/{org}/nats-credentials. Prints one JSON event per line.
 */
import { connectOrFail, natsOptions } from "./nats-options.js";

const { options, rest } = natsOptions(process.argv.slice(2), "switchboard-subscribe");
const subject = rest[0] ?? "switchboard.events.>";
const nc = await connectOrFail(options);
process.stderr.write(`subscribed to ${subject} on ${nc.getServer()}\n`);
const sub = nc.subscribe(subject);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void nc.drain());
for await (const msg of sub) {
  process.stdout.write(`${msg.subject} ${msg.string()}\n`);
}

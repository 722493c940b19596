/**
 * A minimal NATS subscriber, for trying Switchboard without installing a NATS CLI:
 *   npm run subscribe -- 'switchboard.events.hrh.>'
 * NATS_URL picks the server (default nats://127.0.0.1:4222). Prints one JSON event per line.
 */
import { connect } from "@nats-io/transport-node";

const subject = process.argv[2] ?? "switchboard.events.>";
const nc = await connect({
  servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  name: "switchboard-subscribe",
});
process.stderr.write(`subscribed to ${subject} on ${nc.getServer()}\n`);
const sub = nc.subscribe(subject);
process.on("SIGINT", () => void nc.drain());
for await (const msg of sub) {
  process.stdout.write(`${msg.subject} ${msg.string()}\n`);
}

/**
 * Publishes one JSON message to JetStream, as a third party on NATS would, and prints the PubAck:
 *   npm run publish -- switchboard.inbound.hrh.scheduling.slotBooked slot.json [message-id] --creds hrh.creds
 * NATS_URL picks the server (default nats://127.0.0.1:4222); the creds file (or NATS_CREDS) is a
 * credential from POST /v1/orgs/{org}/nats-credentials. The message id becomes Nats-Msg-Id.
 */
import { readFileSync } from "node:fs";
import { headers } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { fail, reason } from "./fail.js";
import { connectOrFail, natsOptions } from "./nats-options.js";

const { options, rest } = natsOptions(process.argv.slice(2), "switchboard-publish");
const [subject, file, messageId] = rest;
if (subject === undefined || file === undefined)
  fail("usage: npm run publish -- <subject> <payload.json> [message-id] [--creds <file>]");
const payload = readPayload(file);
const nc = await connectOrFail(options);
try {
  const h = headers();
  if (messageId !== undefined) h.set("Nats-Msg-Id", messageId);
  const ack = await jetstream(nc).publish(subject, payload, { headers: h });
  process.stdout.write(`${JSON.stringify({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate })}\n`);
} catch (error) {
  // A subject the credential may not publish to, or no stream for it: say so, without a stack.
  process.stderr.write(`publish to ${subject} failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await nc.close();
}

/** The file's text, refused before anything is sent when it cannot be read or is not JSON. */
function readPayload(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return fail(`cannot read the payload file ${path}: ${reason(error)}`);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    return fail(`${path} is not JSON: ${(error as Error).message}`);
  }
  return text;
}

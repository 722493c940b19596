import { createHash } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/nats-core";
import {
  ensureConsumer,
  jetstream,
  jetstreamManager,
  runConsumer,
  streamNames,
  type ConsumedMessage,
  type ConsumerRunner,
} from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { openDatabase } from "@switchboard/db";
import { NotFoundError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { startServices, type RunningServices, type ServiceContext } from "@switchboard/runtime";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { createDeadLettersService } from "../../src/dead-letters.service.js";
import { api, type Api } from "./api.js";

/** API keys of two orgs, by name; the stack answers key checks for exactly these. */
export const KEYS = {
  cmA: { keyId: "k-cm-a", orgId: "org-a", roles: ["content-manager"] },
  integrationA: { keyId: "k-int-a", orgId: "org-a", roles: ["integration"] },
  viewerA: { keyId: "k-viewer-a", orgId: "org-a", roles: ["viewer"] },
  appA: { keyId: "k-app-a", orgId: "org-a", roles: ["app"] },
  cmB: { keyId: "k-cm-b", orgId: "org-b", roles: ["content-manager"] },
} as const;

export type KeyName = keyof typeof KEYS;

const NS = "switchboard";
const tokenOf = (name: KeyName): string => `sbk_test_${name}_0123456789abcdef`;
const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

export interface Letter {
  /** Origin subject, `switchboard.inbound.<org>.…` or `switchboard.events.<org>.…`. */
  subject: string;
  payload: string;
  msgId: string;
  stage: string;
  reason: string;
  details?: unknown;
  headers?: Record<string, string>;
}

export interface DeskStack {
  url: string;
  client(key: KeyName): Api;
  /** Publishes a message that its origin consumer dead-letters; resolves with the DLQ sequence. */
  deadLetter(letter: Letter): Promise<number>;
  /** Retried messages as the origin consumers received them. */
  received: ConsumedMessage[];
  /** Calls the stand-in webhook bridge answered. */
  replays: { orgId: string; idempotencyKey?: string; params: unknown }[];
  /** One more desk on the same NATS and database, as a second replica of the service runs. */
  startReplica(): Promise<DeskReplica>;
  close(): Promise<void>;
}

export interface DeskReplica {
  client(key: KeyName): Api;
  stop(): Promise<void>;
}

/**
 * The desk alone on a nats-server and a PostgreSQL database of the suite's own, behind the real
 * HTTP edge, with stand-ins for what other services provide: tenancy's key check, the webhook
 * bridge's replay command, and origin consumers that dead-letter what they are sent (through the
 * bus's own consume loop) but take retries (messages with `Switchboard-Retry-Of`).
 */
export async function startDeskStack(): Promise<DeskStack> {
  const nats = await startNatsServer();
  const database = await createTestDatabase("sb_dead_letters");
  const replays: DeskStack["replays"] = [];
  const received: ConsumedMessage[] = [];
  let running: RunningServices | undefined;
  const runners: ConsumerRunner[] = [];
  try {
    running = await startDesk(nats, database, replays);
    const { nc } = running.context;
    const logger = running.context.logger;
    const names = streamNames("");
    const origins = [
      { stream: names.inbound, durable: "origin-test", filter: `${NS}.inbound.>` },
      { stream: names.events, durable: "sub-1", filter: `${NS}.events.*.hookOk` },
      { stream: names.events, durable: "sub-gone", filter: `${NS}.events.*.hookGone` },
    ];
    for (const o of origins) {
      await ensureConsumer(nc, o.stream, { durable: o.durable, filterSubject: o.filter });
      runners.push(
        runConsumer({
          nc,
          stream: o.stream,
          durable: o.durable,
          namespace: NS,
          dlqPrefix: "",
          maxDeliver: 1,
          backoffMs: [100],
          stage: "rules",
          logger,
          pullExpiresMs: 1_000,
          handler: async (msg) => {
            if (msg.headers["Switchboard-Retry-Of"] !== undefined) {
              received.push(msg);
              return { kind: "ack" };
            }
            return {
              kind: "dead",
              stage: msg.headers["X-Test-Stage"] ?? "rules",
              reason: msg.headers["X-Test-Reason"] ?? "",
              ...(msg.headers["X-Test-Details"] === undefined
                ? {}
                : { details: JSON.parse(msg.headers["X-Test-Details"]) }),
            };
          },
        }),
      );
    }
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const stack: DeskStack = {
      url: running.url,
      client: (key) => api(running!.url, tokenOf(key)),
      received,
      replays,
      async startReplica() {
        const replica = await startDesk(nats, database, replays);
        return { client: (key) => api(replica.url, tokenOf(key)), stop: () => replica.stop() };
      },
      async deadLetter(letter) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(letter.headers ?? {})) h.set(k, v);
        h.set("X-Test-Stage", letter.stage);
        h.set("X-Test-Reason", letter.reason);
        if (letter.details !== undefined) h.set("X-Test-Details", JSON.stringify(letter.details));
        await js.publish(letter.subject, letter.payload, { msgID: letter.msgId, headers: h });
        const org = letter.subject.split(".")[2];
        return waitFor(
          async () => {
            const last = await jsm.streams.getMessage(names.dlq, {
              last_by_subj: `${NS}.dlq.${org}.${letter.stage}`,
            });
            return last?.header.get("Switchboard-Origin-Msg-Id") === letter.msgId && last.seq;
          },
          { what: `dead letter of ${letter.msgId}` },
        );
      },
      async close() {
        await Promise.all(runners.map((r) => r.stop()));
        await running?.stop();
        await database.drop();
        await nats.close();
      },
    };
    return stack;
  } catch (error) {
    await Promise.all(runners.map((r) => r.stop()));
    await running?.stop();
    await database.drop();
    await nats.close();
    throw error;
  }
}

async function startDesk(
  nats: NatsServer,
  database: TestDatabase,
  replays: DeskStack["replays"],
): Promise<RunningServices> {
  const config = loadConfig({
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
  });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  return startServices({
    config,
    logger,
    natsServers: nats.url,
    database: await openDatabase({ url: database.url }),
    factories: [(ctx) => standIns(ctx, replays), createDeadLettersService],
  });
}

function standIns(ctx: ServiceContext, replays: DeskStack["replays"]) {
  const byHash = new Map(
    Object.entries(KEYS).map(([name, principal]) => [sha256(tokenOf(name as KeyName)), principal]),
  );
  ctx.localCommands.register("tenancy", {
    authenticate: async (request) => byHash.get((request.params as { tokenHash: string }).tokenHash) ?? null,
  });
  ctx.localCommands.register("webhook-bridge", {
    replay: async (request) => {
      const { subscriptionId } = request.params as { subscriptionId: string };
      if (subscriptionId === "sub-gone")
        throw new NotFoundError(`subscription ${subscriptionId} does not exist`);
      replays.push({
        orgId: request.orgId,
        ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
        params: request.params,
      });
      return { replayed: 1 };
    },
  });
  return { name: "stand-ins", start: async () => {}, stop: async () => {} };
}

import { err, ok, ValidationError, type Result } from "@switchboard/errors";
import { JSON_MEDIA_TYPE } from "@switchboard/http";
import { isMessageId, MESSAGE_ID_RULE } from "./message-id.js";

/** The CloudEvents attributes carried on to NATS as `ce-*` headers. */
export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
}

/** One event as the edge read it from a request, before its payload meets the declared schema. */
export interface InboundEvent {
  payload: unknown;
  /** The payload's JSON exactly as it came, when the request body is the payload (plain and binary modes). */
  raw?: Uint8Array;
  cloudEvent?: CloudEventAttributes;
}

/** An event that came as a CloudEvent, so it has an id of its own. */
export type CloudEvent = InboundEvent & { cloudEvent: CloudEventAttributes };

/** Something wrong with a batch item's envelope; paths point into the item. */
export interface EnvelopeProblem {
  id: string | undefined;
  errors: { path: string; message: string }[];
}

export type InboundRequest =
  | { mode: "plain" | "binary" | "structured"; event: InboundEvent }
  | { mode: "batch"; items: Result<CloudEvent, EnvelopeProblem>[] };

export const STRUCTURED_MEDIA_TYPE = "application/cloudevents+json";
export const BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";
export const MAX_BATCH_EVENTS = 100;

/** Binary mode is recognised by these headers; all four are then required (CloudEvents HTTP binding). */
const BINARY_HEADERS = ["ce-specversion", "ce-id", "ce-source", "ce-type"] as const;

// Printable ASCII: these values become NATS header values, where a CR or LF would end the header.
const SOURCE = /^[\x21-\x7e]{1,2048}$/;
const TYPE = /^[\x21-\x7e]{1,256}$/;

type Headers = Record<string, string | string[] | undefined>;

/**
 * Reads a POSTed inbound event in whichever form it came: a plain JSON payload, a CloudEvent in
 * binary mode (`ce-*` headers, the body is the data), in structured mode
 * (`application/cloudevents+json`, the payload is `data`) or a batch of structured events
 * (`application/cloudevents-batch+json`). Problems with one batch item are values, so the other
 * items still go through; anything else wrong throws a ValidationError. `raw` is the body's bytes,
 * kept as the payload's when the body is the payload.
 */
export function readInboundRequest(headers: Headers, body: unknown, raw?: Uint8Array): InboundRequest {
  const mediaType = (first(headers["content-type"]) ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === BATCH_MEDIA_TYPE) return { mode: "batch", items: readBatch(body) };
  if (mediaType === STRUCTURED_MEDIA_TYPE) {
    const read = readStructured(body);
    if (!read.ok) throw envelopeError("the CloudEvent is invalid", read.error);
    return { mode: "structured", event: read.value };
  }
  if (BINARY_HEADERS.some((h) => headers[h] !== undefined)) {
    const event = readBinary(headers, body);
    return { mode: "binary", event: body === undefined || raw === undefined ? event : { ...event, raw } };
  }
  if (body === undefined) throw new ValidationError("a JSON body is required: it is the event's payload");
  return { mode: "plain", event: raw === undefined ? { payload: body } : { payload: body, raw } };
}

function readBinary(headers: Headers, body: unknown): CloudEvent {
  const missing = BINARY_HEADERS.filter((h) => first(headers[h]) === undefined);
  if (missing.length > 0) {
    throw new ValidationError(
      `a CloudEvent in binary mode needs the headers ${BINARY_HEADERS.join(", ")}; missing: ${missing.join(", ")}`,
      { details: missing.map((h) => ({ path: `headers/${h}`, message: "is required" })) },
    );
  }
  const attributes = {
    specversion: first(headers["ce-specversion"]),
    id: first(headers["ce-id"]),
    source: first(headers["ce-source"]),
    type: first(headers["ce-type"]),
  };
  const errors = attributeErrors(attributes).map((e) => ({ ...e, path: `headers/ce-${e.path.slice(1)}` }));
  if (errors.length > 0) {
    throw envelopeError("the CloudEvent headers are invalid", { id: undefined, errors });
  }
  // An event without data is allowed by CloudEvents; its payload is null, and the schema decides.
  return { payload: body === undefined ? null : body, cloudEvent: cloudEventOf(attributes) };
}

export function readStructured(value: unknown): Result<CloudEvent, EnvelopeProblem> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err({ id: undefined, errors: [{ path: "", message: "must be a CloudEvent (a JSON object)" }] });
  }
  const event = value as Record<string, unknown>;
  const errors = attributeErrors(event);
  if (event["data_base64"] !== undefined) {
    errors.push({ path: "/data_base64", message: "binary data is not accepted: the payload must be JSON" });
  }
  const contentType = event["datacontenttype"];
  if (contentType !== undefined && (typeof contentType !== "string" || !JSON_MEDIA_TYPE.test(contentType))) {
    errors.push({ path: "/datacontenttype", message: "must be application/json or another +json type" });
  }
  if (errors.length > 0) return err({ id: isMessageId(event["id"]) ? event["id"] : undefined, errors });
  return ok({ payload: event["data"] === undefined ? null : event["data"], cloudEvent: cloudEventOf(event) });
}

function readBatch(body: unknown): Result<CloudEvent, EnvelopeProblem>[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BATCH_EVENTS) {
    throw new ValidationError(
      `a CloudEvents batch must be a JSON array of 1 to ${MAX_BATCH_EVENTS} events${
        Array.isArray(body) ? `; it has ${body.length}` : ""
      }`,
    );
  }
  return body.map(readStructured);
}

function attributeErrors(event: Record<string, unknown>): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  if (event["specversion"] !== "1.0") errors.push({ path: "/specversion", message: 'must be "1.0"' });
  if (!isMessageId(event["id"])) errors.push({ path: "/id", message: `must be ${MESSAGE_ID_RULE}` });
  if (typeof event["source"] !== "string" || !SOURCE.test(event["source"])) {
    errors.push({ path: "/source", message: "must be a URI-reference of 1 to 2048 printable characters" });
  }
  if (typeof event["type"] !== "string" || !TYPE.test(event["type"])) {
    errors.push({ path: "/type", message: "must be 1 to 256 printable characters" });
  }
  return errors;
}

const cloudEventOf = (event: Record<string, unknown>): CloudEventAttributes => ({
  id: event["id"] as string,
  source: event["source"] as string,
  type: event["type"] as string,
});

function envelopeError(what: string, problem: EnvelopeProblem): ValidationError {
  const summary = problem.errors.map((e) => `${e.path || "/"} ${e.message}`).join("; ");
  return new ValidationError(`${what}: ${summary}`, { details: problem.errors });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

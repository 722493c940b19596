import type { JsMsg } from "@nats-io/jetstream";
import type { Logger } from "@switchboard/logger";

/** What the settler logs about one message: a line with fields and a text. */
type LogLine = (fields: Record<string, unknown>, text: string) => void;

export interface MessageLog {
  info: LogLine;
  warn: LogLine;
  error: LogLine;
}

/**
 * The lines about one message carry its stream, sequence, subject and delivery count. The child
 * logger that adds them is made at the first line written, not for every message: most messages
 * are handled without one, and making a child (its bindings serialized and redacted) costs about
 * as much as a line.
 */
export function messageLogger(logger: Logger, m: JsMsg): MessageLog {
  let child: Logger | undefined;
  const log = (): Logger =>
    (child ??= logger.child({
      stream: m.info.stream,
      seq: m.seq,
      subject: m.subject,
      delivery: m.info.deliveryCount,
    }));
  return {
    info: (fields, text) => log().info(fields, text),
    warn: (fields, text) => log().warn(fields, text),
    error: (fields, text) => log().error(fields, text),
  };
}

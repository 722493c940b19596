import type { Readable } from "node:stream";

/**
 * Reads at most `maxBytes` of a response body, then stops: a receiver answering with megabytes
 * costs one chunk, not the whole download. Returns whole UTF-8 characters only. Read with stream
 * events rather than an async iterator, whose setup cost as much as the rest of reading a short
 * answer.
 */
export function readExcerpt(body: Readable, maxBytes: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      body.off("data", onData);
      // The status already decided the outcome; a body that breaks off only shortens the excerpt.
      // Destroying an unfinished body makes it emit an abort error that nobody is left to hear.
      body.on("error", () => undefined);
      body.destroy();
      resolve(utf8Prefix(Buffer.concat(chunks), maxBytes));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) finish();
    };
    if (maxBytes <= 0) return finish();
    body.on("data", onData);
    body.once("end", finish);
    body.once("error", finish);
    body.once("close", finish);
  });
}

/** The longest prefix of at most `maxBytes` that does not cut a UTF-8 character in two. */
export function utf8Prefix(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString("utf8");
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that was cut.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString("utf8");
}

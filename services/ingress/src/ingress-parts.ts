import type { ActivePolls } from "./active-polls.js";
import type { DefinitionCache } from "./definition-cache.js";
import type { EventReaderParts } from "./event-reader.js";
import type { IngestParts } from "./ingest.js";
import type { CursorCodec } from "./poll-cursor.js";
import type { KeyRateLimiter } from "./rate-limiter.js";

/** What the ingress and poll routes work with. */
export interface IngressParts extends IngestParts, EventReaderParts {
  definitions: DefinitionCache;
  limiter: KeyRateLimiter;
  polls: ActivePolls;
  cursors: CursorCodec;
}

/// <reference lib="dom" />
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { describeError, get } from "./api.js";
import { ErrorLines, JsonBlock, orgPath } from "./ui.js";

interface Polled {
  events: { cursor: string; event: { messageId: string; messageType: string; occurredAt: string } }[];
  next: string;
}

/** The org's events as they happen, read with the poll API (long polls of 20 s), newest on top. */
export function LiveEvents() {
  const [events, setEvents] = useState<Polled["events"]>([]);
  const [error, setError] = useState<string[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const loop = async () => {
      let after = "0";
      while (live) {
        try {
          const page = await get<Polled>(
            orgPath(`/events?after=${encodeURIComponent(after)}&limit=50&waitMs=20000`),
          );
          after = page.next;
          if (live && page.events.length > 0)
            setEvents((shown) => [...page.events.reverse(), ...shown].slice(0, 200));
          setError(undefined);
        } catch (e) {
          setError(describeError(e));
          await new Promise((resolve) => setTimeout(resolve, 5000));
        }
      }
    };
    void loop();
    return () => {
      live = false;
    };
  }, []);
  return html`<h1>Live events</h1>
    <p class="note">The org's system events, newest first, as the poll API hands them out.</p>
    <${ErrorLines} error=${error} />
    <ul aria-label="Events" aria-live="polite">
      ${events.map(
        (e) =>
          html`<li>
            ${e.event.messageType} · ${e.event.occurredAt} · ${e.event.messageId}
            <${JsonBlock} label=${`event ${e.event.messageId}`} value=${e.event} />
          </li>`,
      )}
    </ul>
    ${events.length === 0 ? html`<p class="muted">Waiting for events…</p>` : null}`;
}

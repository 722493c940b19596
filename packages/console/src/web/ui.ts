/// <reference lib="dom" />
import { html } from "htm/preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { describeError, type Whoami } from "./api.js";

/** Who is signed in, for which org; set by the sign-in screen. */
export const session: { who?: Whoami; org?: string } = {};

const has = (role: string) => session.who?.roles.includes(role) === true;
/** Platform admins and org admins may do everything in the org. */
const admin = () => has("platform-admin") || has("org-admin");
/** Whether the key may change rules, definitions, webhooks and dead letters. */
export const canEdit = () => admin() || has("content-manager");
/** Whether the key may act on dead letters (the desk also serves integration keys). */
export const canDesk = () => canEdit() || has("integration");
/** Whether the key may manage NATS credentials. */
export const canAdmin = admin;
/** Whether the key may read the org's events. */
export const canPoll = () => admin() || has("viewer") || has("integration");

export const orgPath = (rest = "") => `/v1/orgs/${encodeURIComponent(session.org ?? "")}${rest}`;

/** Loads something from the API, again on `reload()`; errors become messages. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string[] | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(value), setError(undefined)),
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

let flash: string | undefined;

/** A message for the next screen's status line, when an action moves to another screen. */
export function flashNext(message: string): void {
  flash = message;
}

/** Runs an action and keeps what it said, for a status line (at first, a flashed message). */
export function useAction() {
  const [status, setStatus] = useState<{ kind: "ok" | "error"; lines: string[] } | undefined>(() => {
    const said = flash;
    flash = undefined;
    return said === undefined ? undefined : { kind: "ok", lines: [said] };
  });
  const [busy, setBusy] = useState(false);
  const run = async (what: () => Promise<string | undefined>) => {
    setBusy(true);
    try {
      const said = await what();
      setStatus(said === undefined ? undefined : { kind: "ok", lines: [said] });
    } catch (e) {
      setStatus({ kind: "error", lines: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  return { status, busy, run, setStatus };
}

export function Status(props: {
  status?: { kind: "ok" | "error"; lines: string[] } | undefined;
  id?: string;
}) {
  const s = props.status;
  return html`<div class="status" role="status" id=${props.id}>
    ${
      s === undefined
        ? null
        : html`<div class=${s.kind}>${s.lines.map((line) => html`<div>${line}</div>`)}</div>`
    }
  </div>`;
}

export function ErrorLines(props: { error?: string[] | undefined }) {
  return props.error === undefined
    ? null
    : html`<div class="error" role="alert">${props.error.map((l) => html`<div>${l}</div>`)}</div>`;
}

/** An input's handler that keeps its value in `set`. */
export const onValue = (set: (value: string) => void) => (event: Event) =>
  set((event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value);

export const json = (value: unknown) => JSON.stringify(value, null, 2);

export function JsonBlock(props: { value: unknown; label: string }) {
  return html`<pre aria-label=${props.label} tabindex="0">${json(props.value)}</pre>`;
}

export const when = (iso: string | undefined | null) =>
  iso === undefined || iso === null ? "—" : new Date(iso).toLocaleString();

export function ReadOnlyNote() {
  return canEdit() ? null : html`<p class="readonly-note">Your key can read this page but not change it.</p>`;
}

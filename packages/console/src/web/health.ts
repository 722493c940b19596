/// <reference lib="dom" />
import { html } from "htm/preact";
import type { WebhookHealth } from "@switchboard/contracts";
import { get } from "./api.js";
import { ErrorLines, orgPath, useLoad, when } from "./ui.js";

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10} %`);

/** How each webhook is doing, from `GET …/webhooks/health`. */
export function Health() {
  const health = useLoad(() => get<{ webhooks: WebhookHealth[] }>(orgPath("/webhooks/health")));
  return html`<h1>Integration health</h1>
    <button onClick=${health.reload}>Refresh</button>
    <${ErrorLines} error=${health.error} />
    <h2>Webhooks</h2>
    <table>
      <caption class="visually-hidden">Webhook health</caption>
      <thead><tr><th scope="col">Endpoint</th><th scope="col">Last success</th><th scope="col">Last failure</th><th scope="col">Success, 24 h</th><th scope="col">Attempts, 24 h</th><th scope="col">Backlog</th></tr></thead>
      <tbody>
        ${(health.data?.webhooks ?? []).map(
          (w) => html`<tr data-webhook=${w.id}>
            <td><a href=${`#/webhooks/${encodeURIComponent(w.id)}`}>${w.url}</a>${w.enabled ? "" : " (disabled)"}</td>
            <td>${when(w.lastSuccessAt)}</td>
            <td>${when(w.lastFailureAt)}</td>
            <td>${percent(w.successRate24h)}</td>
            <td>${w.attempts24h}</td>
            <td>${w.backlog ?? "unknown"}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="note">Inbound events and NATS credentials have no health figures yet.</p>`;
}

/// <reference lib="dom" />
import { html } from "htm/preact";
import type { HealthFigures, OrgHealth } from "@switchboard/contracts";
import { get } from "./api.js";
import { ErrorLines, orgPath, useLoad, when } from "./ui.js";

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10} %`);

const PART_NAMES = {
  webhooks: "webhooks",
  inboundEvents: "inbound events",
  natsCredentials: "NATS credentials",
};

/** The column heads every table shares after its first: the figures of `GET …/health`. */
const FIGURE_HEADS = html`<th scope="col">Last success</th><th scope="col">Last failure</th><th scope="col">Success, 24 h</th><th scope="col">Attempts, 24 h</th><th scope="col">Backlog</th>`;

/** A row's figures, as cells; `reason` (an inbound event's or a credential's) follows the last failure. */
function FigureCells(props: { f: HealthFigures; reason?: string | null }) {
  const { f, reason } = props;
  return html`<td>${when(f.lastSuccessAt)}</td>
    <td>${when(f.lastFailureAt)}${reason ? html`<div class="note">${reason}</div>` : null}</td>
    <td>${percent(f.successRate24h)}</td>
    <td>${f.attempts24h}</td>
    <td>${f.backlog ?? "—"}</td>`;
}

/** How each webhook, inbound event and NATS credential of the org is doing, from `GET …/health`. */
export function Health() {
  const health = useLoad(() => get<OrgHealth>(orgPath("/health")));
  const data = health.data;
  return html`<h1>Integration health</h1>
    <button onClick=${health.reload}>Refresh</button>
    <${ErrorLines} error=${health.error} />
    ${
      data !== undefined && data.unavailable.length > 0
        ? html`<p class="note" role="status">Not answering now: ${data.unavailable.map((p) => PART_NAMES[p]).join(", ")}.</p>`
        : null
    }
    <h2>Webhooks</h2>
    <table>
      <caption class="visually-hidden">Webhook health</caption>
      <thead><tr><th scope="col">Endpoint</th>${FIGURE_HEADS}</tr></thead>
      <tbody>
        ${(data?.webhooks ?? []).map(
          (w) => html`<tr data-webhook=${w.id}>
            <td><a href=${`#/webhooks/${encodeURIComponent(w.id)}`}>${w.url}</a>${w.enabled ? "" : " (disabled)"}</td>
            <${FigureCells} f=${w} />
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="note">An attempt is a delivery attempt; the backlog, the events waiting for the endpoint.</p>
    <h2>Inbound events</h2>
    <table>
      <caption class="visually-hidden">Inbound event health</caption>
      <thead><tr><th scope="col">Event</th>${FIGURE_HEADS}</tr></thead>
      <tbody>
        ${(data?.inboundEvents ?? []).map(
          (e) => html`<tr data-inbound=${e.name}>
            <td>${e.name}</td>
            <${FigureCells} f=${e} reason=${e.lastFailureReason} />
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="note">
      A success is a message the rules engine finished, a failure one it dead-lettered; the backlog, messages
      it has not settled yet.
    </p>
    <h2>NATS credentials</h2>
    <table>
      <caption class="visually-hidden">NATS credential health</caption>
      <thead><tr><th scope="col">Credential</th>${FIGURE_HEADS}</tr></thead>
      <tbody>
        ${(data?.natsCredentials ?? []).map(
          (c) => html`<tr data-credential=${c.id}>
            <td>${c.name} <span class="note">${c.id}</span>${c.revokedAt === null ? "" : " (revoked)"}</td>
            <${FigureCells} f=${c} reason=${c.lastFailureReason} />
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="note">
      A success is a connection the NATS server accepted, a failure one it refused or closed because the credential
      was revoked or expired (a refused publish is not reported by the server); the backlog, events waiting in the
      credential's own consumer.
    </p>`;
}

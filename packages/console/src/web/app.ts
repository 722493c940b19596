/// <reference lib="dom" />
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { describeError, get, signIn, signOut, type Whoami } from "./api.js";
import { Credentials } from "./credentials.js";
import { DeadLetters } from "./dead-letters.js";
import { Health } from "./health.js";
import { InboundEvents } from "./inbound.js";
import { LiveEvents } from "./live.js";
import { Rules } from "./rules.js";
import { RuleRuns } from "./runs.js";
import { ErrorLines, session, onValue } from "./ui.js";
import { Webhooks } from "./webhooks.js";

const SCREENS = [
  { path: "inbound", title: "Inbound events" },
  { path: "rules", title: "Rules" },
  { path: "runs", title: "Rule runs" },
  { path: "webhooks", title: "Webhooks" },
  { path: "dead-letters", title: "Dead letters" },
  { path: "live", title: "Live events" },
  { path: "credentials", title: "NATS credentials" },
  { path: "health", title: "Integration health" },
] as const;

function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const changed = () => setParts(read());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return parts;
}

export function App() {
  const [who, setWho] = useState<Whoami | undefined>(undefined);
  const [org, setOrg] = useState<string | undefined>(undefined);
  if (who === undefined || org === undefined) {
    return html`<${SignIn}
      onSignedIn=${(w: Whoami, o: string) => {
        session.who = w;
        session.org = o;
        setWho(w);
        setOrg(o);
      }}
    />`;
  }
  return html`<${Shell}
    who=${who}
    org=${org}
    onSignOut=${() => {
      signOut();
      session.who = undefined;
      session.org = undefined;
      setWho(undefined);
      setOrg(undefined);
    }}
  />`;
}

function SignIn(props: { onSignedIn: (who: Whoami, org: string) => void }) {
  const [key, setKey] = useState("");
  const [orgId, setOrgId] = useState("");
  const [error, setError] = useState<string[] | undefined>(undefined);
  const [platform, setPlatform] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    signIn(key.trim());
    try {
      const who = await get<Whoami>("/v1/whoami");
      if (who.orgId !== null) return props.onSignedIn(who, who.orgId);
      if (orgId.trim() === "") {
        setPlatform(true);
        return setError(["a platform key belongs to no org: name the org to work in"]);
      }
      props.onSignedIn(who, orgId.trim());
    } catch (e) {
      signOut();
      setError(describeError(e));
    }
  };
  return html`<main class="signin">
    <h1>Switchboard console</h1>
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autocomplete="off" value=${key} onInput=${onValue(setKey)} />
      ${
        platform
          ? html`<label for="org-id">Org</label
              ><input id="org-id" value=${orgId} onInput=${onValue(setOrgId)} />`
          : null
      }
      <p class="note">The key stays in this tab's memory only: reloading or closing the tab signs you out.</p>
      <button class="primary" type="submit">Sign in</button>
    </form>
    <${ErrorLines} error=${error} />
  </main>`;
}

function Shell(props: { who: Whoami; org: string; onSignOut: () => void }) {
  const [screen = "rules", id] = useHash();
  const current = SCREENS.find((s) => s.path === screen) ?? SCREENS[1];
  useEffect(() => {
    document.title = `${current.title} · Switchboard console`;
  }, [current.title]);
  return html`<div class="layout">
    <aside class="sidebar">
      <div class="brand">Switchboard</div>
      <div class="who" aria-label="Signed in as">
        <div>Org <strong id="who-org">${props.org}</strong>${props.who.orgName === null ? "" : ` (${props.who.orgName})`}</div>
        <div id="who-roles">${props.who.roles.map((r) => html`<span class="role">${r}</span>`)}</div>
      </div>
      <nav aria-label="Screens">
        <ul>
          ${SCREENS.map(
            (s) =>
              html`<li>
                <a href=${`#/${s.path}`} aria-current=${s.path === current.path ? "page" : undefined}
                  >${s.title}</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      <p><button onClick=${props.onSignOut}>Sign out</button></p>
    </aside>
    <main id="main">${screenOf(current.path, id)}</main>
  </div>`;
}

function screenOf(path: string, id: string | undefined) {
  switch (path) {
    case "inbound":
      return html`<${InboundEvents} />`;
    case "runs":
      return html`<${RuleRuns} />`;
    case "webhooks":
      return html`<${Webhooks} id=${id} key=${id ?? "list"} />`;
    case "dead-letters":
      return html`<${DeadLetters} />`;
    case "live":
      return html`<${LiveEvents} />`;
    case "credentials":
      return html`<${Credentials} />`;
    case "health":
      return html`<${Health} />`;
    default:
      return html`<${Rules} ruleId=${id} key=${id ?? "list"} />`;
  }
}

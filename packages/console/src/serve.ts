import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
// The route declarations (config.auth, schema.hide) are typed by the http package's additions to fastify.
import type { RouteAuth } from "@switchboard/http";
import { CONSOLE_DIR, CONSOLE_FILES } from "./build.js";

/** Where the console is served. */
export const CONSOLE_PATH = "/console";

/**
 * The page may load its own script and style sheet and call the API of the origin that served it,
 * nothing else: no inline script or style, no eval, no framing, no form posts, no plugins.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The headers every console file is served with. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-cache",
};

/**
 * Serves the built console (`buildConsole`) at /console on a Switchboard HTTP server: the page at
 * `/console/`, its script and style sheet beside it. The files are read once, when the routes are
 * added; the routes are public (the page asks for an API key) and left out of the OpenAPI document.
 */
export async function consoleRoutes(app: FastifyInstance, dir: string = CONSOLE_DIR): Promise<void> {
  const files = new Map(CONSOLE_FILES.map((file) => [file, readFileSync(path.join(dir, file))] as const));
  const send = (file: (typeof CONSOLE_FILES)[number]) => ({
    body: files.get(file)!,
    type: TYPES[path.extname(file)]!,
  });
  const auth: RouteAuth = "public";
  const route = { config: { auth }, schema: { hide: true } };
  app.get(CONSOLE_PATH, route, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  for (const file of CONSOLE_FILES) {
    const url = file === "index.html" ? `${CONSOLE_PATH}/` : `${CONSOLE_PATH}/${file}`;
    app.get(url, route, async (_request, reply) => {
      const { body, type } = send(file);
      return reply.headers(CONSOLE_HEADERS).type(type).send(body);
    });
  }
}

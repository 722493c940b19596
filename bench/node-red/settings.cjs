/**
 * Node-RED settings for the whole-path benchmarks: headless (no editor, no admin API), flows and
 * state in the temporary user dir the benchmark passes with --userDir, nothing sent anywhere.
 * The benchmark sets NODE_RED_PORT and SINK_URL (read by the flow's http request node).
 */
module.exports = {
  uiHost: "127.0.0.1",
  uiPort: Number(process.env.NODE_RED_PORT),
  flowFile: "flows.json",
  credentialSecret: false,
  httpAdminRoot: false,
  httpNodeRoot: "/",
  disableEditor: true,
  editorTheme: { projects: { enabled: false }, tours: false },
  telemetry: { enabled: false },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  logging: { console: { level: "info", metrics: false, audit: false } },
  functionExternalModules: false,
};

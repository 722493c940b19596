/// <reference lib="dom" />
import { usePrecompiledValidators } from "@switchboard/rules";
import { html } from "htm/preact";
import { render } from "preact";
import * as validators from "switchboard-console:validators";
import { App } from "./app.js";

// The rules package's validators, compiled when the console was built: the page's CSP forbids
// generating code, which is how ajv compiles schemas at run time.
usePrecompiledValidators(validators);
render(html`<${App} />`, document.getElementById("app")!);

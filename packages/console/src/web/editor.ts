/// <reference lib="dom" />
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import type { Finding } from "./json-lint.js";

export interface JsonEditorProps {
  /** Accessible name of the editing area. */
  label: string;
  id: string;
  /**
   * The document from outside (as loaded): a new one replaces the text. Not the typed text: handed
   * back, an older keystroke's text would replace a newer one.
   */
  value: string;
  readOnly?: boolean;
  onChange?: (text: string) => void;
  /** Checks the text as it is typed; the findings are shown in the gutter, underlined and listed. */
  lint?: (text: string) => Finding[];
  onFindings?: (findings: Finding[]) => void;
  /** Data paths offered inside `{"var": "…"}`. */
  varPaths?: (text: string) => string[];
}

const EDITOR_THEME = EditorView.theme({
  // No height limit: the editor grows with its text, so the page scrolls rather than a region that
  // a read-only editor could not be scrolled in by keyboard.
  "&": { minHeight: "10rem", fontSize: "0.85rem", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, monospace', overflow: "auto" },
  ".cm-gutters": { backgroundColor: "#f3f5f8", color: "#4f5660" },
});

const VAR_STRING = /"var"\s*:\s*(?:\[\s*)?"([^"]*)$/;

/**
 * A CodeMirror 6 JSON editor, in a shadow root of its own (see below); it generates no code at run
 * time, so the console's CSP (no eval) suits it.
 */
export function JsonEditor(props: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const completions = (context: CompletionContext): CompletionResult | null => {
      const paths = latest.current.varPaths;
      if (paths === undefined) return null;
      const line = context.state.doc.lineAt(context.pos);
      const before = line.text.slice(0, context.pos - line.from);
      const match = VAR_STRING.exec(before);
      if (match === null) return null;
      return {
        from: context.pos - match[1]!.length,
        options: paths(context.state.doc.toString()).map((path) => ({ label: path, type: "property" })),
        validFor: /^[\w.-]*$/,
      };
    };
    const lintSource = (v: EditorView): Diagnostic[] => {
      const check = latest.current.lint;
      if (check === undefined) return [];
      const findings = check(v.state.doc.toString());
      latest.current.onFindings?.(findings);
      // Inside the text: a range past its end (an error at the end of an empty text) stalls CodeMirror.
      const end = v.state.doc.length;
      const at = (offset: number) => Math.max(0, Math.min(offset, end));
      return findings.map((f) => ({
        from: at(f.from),
        to: at(f.to),
        severity: f.severity,
        message: f.message,
      }));
    };
    // In a shadow root, CodeMirror styles itself with constructed style sheets (adoptedStyleSheets),
    // which a CSP without 'unsafe-inline' allows; in the document it would add <style> elements,
    // which such a CSP refuses. So the same strict CSP works when a plain static server sends it.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: "open" });
    view.current = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          lineNumbers(),
          history(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          json(),
          lintGutter(),
          linter(lintSource, { delay: 200 }),
          autocompletion({ override: [completions], activateOnTyping: true }),
          EditorState.readOnly.of(props.readOnly === true),
          EditorView.editable.of(props.readOnly !== true),
          EditorView.lineWrapping,
          EDITOR_THEME,
          EditorView.contentAttributes.of({ "aria-label": props.label, id: props.id }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.current?.destroy();
  }, []);

  // A new document from outside (another rule, a version loaded) replaces the text.
  useEffect(() => {
    const current = view.current;
    if (current !== undefined && current.state.doc.toString() !== props.value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return html`<div class="editor" ref=${host} data-editor=${props.id}></div>`;
}

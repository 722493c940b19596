/// <reference lib="dom" />
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * A button for an action that cannot be undone (revoking a credential, replacing a secret): it asks
 * first, in a modal `<dialog>` that names what will happen. The browser's own dialog keeps the focus
 * inside, closes on Escape and gives the focus back to the button.
 */
export function ConfirmButton(props: {
  /** The button's text, which also names the dialog. */
  label: string;
  /** What will happen, said in the dialog. */
  question: string;
  /** The text of the dialog's confirming button. */
  confirm: string;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);
  const titleId = `confirm-${props.label.replaceAll(/[^A-Za-z0-9_-]+/g, "-")}`;
  const close = (confirmed: boolean) => {
    dialog.current?.close();
    setOpen(false);
    if (confirmed) props.onConfirm();
  };
  return html`<button class="danger" disabled=${props.disabled} onClick=${() => setOpen(true)}>${props.label}</button>
    ${
      open
        ? html`<dialog ref=${dialog} aria-labelledby=${titleId} onClose=${() => setOpen(false)}>
            <h2 id=${titleId}>${props.label}?</h2>
            <p>${props.question}</p>
            <div class="row">
              <button class="danger" onClick=${() => close(true)}>${props.confirm}</button>
              <button onClick=${() => close(false)}>Cancel</button>
            </div>
          </dialog>`
        : null
    }`;
}

// Modals (the top view of the acting user's stack) and Block Kit confirm dialogs.
import { renderBlocks } from "./blocks.js";
import { h } from "./dom.js";
import { plainText, textObject } from "./mrkdwn.js";
import { fmt, S } from "./state.js";

const root = () => document.getElementById("modal-root");

/** A confirm object ({title, text, confirm, deny, style}) as Slack's dialog; resolves true on confirm. */
export function confirmDialog(c) {
  return new Promise((resolve) => {
    const done = (answer) => {
      layer.remove();
      document.removeEventListener("keydown", onKey);
      resolve(answer);
    };
    const onKey = (ev) => {
      if (ev.key === "Escape") done(false);
    };
    const danger = c.style === "danger";
    const layer = h("div", { class: "modal-backdrop confirm-layer" },
      h("div", { class: "modal confirm", role: "alertdialog", "aria-modal": "true", "data-testid": "confirm-dialog" },
        h("header", { class: "modal-header" }, h("h2", { class: "modal-title", html: plainText(c.title) || "Are you sure?" })),
        h("div", { class: "modal-body mk", html: textObject(c.text, fmt()) }),
        h("footer", { class: "modal-footer" },
          h("button", { class: "btn btn-default", type: "button", onclick: () => done(false) }, h("span", { html: plainText(c.deny) || "Cancel" })),
          h("button", { class: `btn ${danger ? "btn-danger" : "btn-primary"}`, type: "button", "data-testid": "confirm-yes", onclick: () => done(true) },
            h("span", { html: plainText(c.confirm) || "Yes" })))));
    document.addEventListener("keydown", onKey);
    document.body.append(layer);
    layer.querySelector("[data-testid=confirm-yes]").focus();
  });
}

let rendered = null; // {id, sig, inputs}
const keep = new Map();
let escapeHandler = null;

function onEscapeKey(handler) {
  if (escapeHandler) document.removeEventListener("keydown", escapeHandler);
  escapeHandler = handler;
  if (handler) document.addEventListener("keydown", handler);
}

/** Shows S.modal (or removes the modal). hooks = {submit(view, values), close(view), action(view, action)} */
export function renderModal(hooks, { banner = null } = {}) {
  const state = S.modal;
  const view = state?.view;
  if (!view) {
    root().replaceChildren();
    rendered = null;
    keep.clear();
    onEscapeKey(null);
    return;
  }
  const sig = JSON.stringify([view.id, view.hash, state.errors, state.stack?.length, banner, S.me]);
  if (rendered?.sig === sig) return;
  if (rendered?.id === view.id) {
    // Input typed so far survives an update of the same view, as it does in Slack.
    for (const input of rendered.inputs) keep.set(`${input.blockId}/${input.actionId}`, input.read());
  } else {
    keep.clear();
  }
  const inputs = [];
  const blocks = renderBlocks(view.blocks, {
    fmt: fmt(),
    surface: "modal",
    users: [...S.users.values()],
    channels: S.channels.filter((c) => !c.is_im),
    inputs,
    errors: state.errors ?? {},
    keep,
    onAction: (action) => hooks.action(view, action),
    confirm: confirmDialog,
  });
  const canGoBack = (state.stack?.length ?? 1) > 1;
  const submit = view.submit
    ? h("button", { class: "btn btn-primary", type: "button", "data-testid": "modal-submit", onclick: () => doSubmit() },
      h("span", { html: plainText(view.submit) }))
    : null;
  const close = h("button", { class: "btn btn-default", type: "button", "data-testid": "modal-cancel", onclick: () => hooks.close(view) },
    h("span", { html: view.close ? plainText(view.close) : submit ? "Cancel" : "Close" }));
  const dialog = h("div", { class: "modal", role: "dialog", "aria-modal": "true", "data-testid": "modal", dataset: { viewId: view.id } },
    h("header", { class: "modal-header" },
      canGoBack ? h("button", { class: "icon-button back", type: "button", title: "Back", onclick: () => hooks.close(view) }, "←") : null,
      h("img", { class: "avatar avatar-sm modal-app-icon", src: `/sandbox/avatars/${S.ws.bot.user_id}.svg`, alt: "" }),
      h("h2", { class: "modal-title", html: plainText(view.title) }),
      h("button", { class: "icon-button", type: "button", title: "Close", "data-testid": "modal-close", onclick: () => hooks.close(view) }, "✕")),
    banner ? h("div", { class: "modal-banner", role: "alert" }, banner) : null,
    h("div", { class: "modal-body" }, blocks),
    h("footer", { class: "modal-footer" }, close, submit));
  root().replaceChildren(h("div", { class: "modal-backdrop" }, dialog));
  rendered = { id: view.id, sig, inputs };
  onEscapeKey((ev) => {
    if (ev.key === "Escape" && !document.querySelector(".confirm-layer")) hooks.close(view);
  });

  function doSubmit() {
    const values = {};
    for (const input of inputs) values[input.blockId] = { [input.actionId]: input.read() };
    for (const input of inputs) keep.set(`${input.blockId}/${input.actionId}`, input.read());
    submit.classList.add("busy");
    hooks.submit(view, values).finally(() => submit.classList.remove("busy"));
  }
}

/** Slack's client-side message for a required input left empty. */
export const REQUIRED_MESSAGE = "Please complete this required field.";

export function missingErrors(missing) {
  return Object.fromEntries((missing ?? []).map((id) => [id, REQUIRED_MESSAGE]));
}

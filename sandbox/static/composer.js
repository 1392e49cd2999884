// The message composer: Enter sends, Shift+Enter breaks the line, @ completes people and the app,
// / at the start offers slash commands, and the toolbar wraps the selection in mrkdwn markers.
import { h } from "./dom.js";
import { mentionCandidates } from "./messages.js";
import { avatarUrl, displayName, S } from "./state.js";

/** Slack's clients escape these three before sending, and write mentions as <@U…>. */
export function toSlackText(typed) {
  const escaped = typed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const byHandle = new Map();
  for (const u of S.users.values()) {
    for (const handle of [u.name, u.profile?.display_name]) if (handle) byHandle.set(handle.toLowerCase(), u.id);
  }
  return escaped.replace(/(^|[\s(])@([\w.-]+)/g, (match, before, handle) => {
    const id = byHandle.get(handle.toLowerCase());
    return id ? `${before}<@${id}>` : match;
  });
}

/**
 * opts = {placeholder(): string, onSend({text, broadcast}): Promise, onCommand({command, text}): Promise,
 *         broadcastLabel(): string|null, testid}
 */
export function createComposer(root, opts) {
  const textarea = h("textarea", { class: "composer-input", rows: 1, "data-testid": opts.testid, "aria-label": "Message" });
  const popup = h("div", { class: "menu completion", hidden: true, role: "listbox" });
  const send = h("button", {
    class: "send-button", type: "button", title: "Send now", disabled: true, "data-testid": `${opts.testid}-send`,
    // Markup rather than h(): an <svg> made with createElement would land in the HTML namespace and not draw.
    html: '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><path d="M2.5 17.5 18 10 2.5 2.5l2.2 6.3L12 10l-7.3 1.2z" fill="currentColor"/></svg>',
  });
  const broadcast = h("input", { type: "checkbox", class: "broadcast-box" });
  const broadcastRow = h("label", { class: "broadcast-row", hidden: true }, broadcast, h("span", { class: "broadcast-label" }));
  const tool = (label, title, before, after = before) => h("button", {
    class: "tool", type: "button", title, onmousedown: (ev) => ev.preventDefault(),
    onclick: () => wrapSelection(before, after),
  }, h("span", { html: label }));
  const toolbar = h("div", { class: "composer-toolbar" },
    tool("<b>B</b>", "Bold", "*"), tool("<i>I</i>", "Italic", "_"), tool("<s>S</s>", "Strikethrough", "~"),
    h("span", { class: "tool-sep" }), tool("&lt;/&gt;", "Code", "`"), tool("▤", "Code block", "```\n", "\n```"),
    h("span", { class: "tool-sep" }), tool("•", "Bulleted list", "• ", ""));
  const footer = h("div", { class: "composer-footer" },
    h("div", { class: "composer-footer-left" },
      h("button", { class: "tool round", type: "button", title: "Mention someone", onclick: () => insert("@") }, "@"),
      h("button", { class: "tool round", type: "button", title: "Run a shortcut", onclick: () => { if (!textarea.value) insert("/"); } }, "/")),
    broadcastRow, send);
  const box = h("div", { class: "composer" }, toolbar, textarea, footer, popup);
  root.replaceChildren(box);

  let items = [];
  let active = 0;
  let mode = null; // "mention" | "command"

  function refresh() {
    textarea.placeholder = opts.placeholder();
    const label = opts.broadcastLabel?.();
    broadcastRow.hidden = !label;
    if (label) broadcastRow.querySelector(".broadcast-label").textContent = label;
    send.disabled = !textarea.value.trim();
  }

  function autosize() {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, 240)}px`;
    send.disabled = !textarea.value.trim();
  }

  function insert(text) {
    const { selectionStart: a, selectionEnd: b, value } = textarea;
    const spacer = text === "@" && a > 0 && !/\s$/.test(value.slice(0, a)) ? " " : "";
    textarea.value = value.slice(0, a) + spacer + text + value.slice(b);
    textarea.selectionStart = textarea.selectionEnd = a + spacer.length + text.length;
    textarea.focus();
    onInput();
  }

  function wrapSelection(before, after) {
    const { selectionStart: a, selectionEnd: b, value } = textarea;
    textarea.value = value.slice(0, a) + before + value.slice(a, b) + after + value.slice(b);
    textarea.selectionStart = a + before.length;
    textarea.selectionEnd = b + before.length;
    textarea.focus();
    autosize();
  }

  function closePopup() {
    popup.hidden = true;
    mode = null;
    items = [];
  }

  function showPopup(title, rows) {
    popup.replaceChildren(h("div", { class: "menu-title" }, title), ...rows);
    popup.hidden = rows.length === 0;
    highlight();
  }

  function highlight() {
    popup.querySelectorAll(".menu-item").forEach((el, i) => el.classList.toggle("active", i === active));
  }

  function onInput() {
    autosize();
    const upto = textarea.value.slice(0, textarea.selectionStart);
    const mention = upto.match(/(^|[\s(])@([\w.-]*)$/);
    const command = textarea.value.match(/^\/([\w-]*)$/);
    if (mention) {
      mode = "mention";
      items = mentionCandidates(mention[2]);
      active = 0;
      showPopup("People and apps", items.map((u, i) => h("button", {
        class: "menu-item mention-option", type: "button", role: "option", dataset: { userId: u.id },
        onmousedown: (ev) => ev.preventDefault(), onclick: () => pick(i),
      }, h("img", { class: "avatar avatar-xs", src: avatarUrl(u.id), alt: "" }),
      h("span", { class: "mention-name" }, displayName(u.id)),
      u.is_bot ? h("span", { class: "app-badge" }, "APP") : h("span", { class: "mention-handle" }, u.name))));
    } else if (command) {
      mode = "command";
      const q = command[1].toLowerCase();
      items = (S.ws?.slash_commands ?? []).filter((c) => c.slice(1).toLowerCase().startsWith(q));
      active = 0;
      showPopup("Slash commands", items.map((c, i) => h("button", {
        class: "menu-item", type: "button", role: "option",
        onmousedown: (ev) => ev.preventDefault(), onclick: () => pick(i),
      }, h("b", {}, c), h("span", { class: "menu-hint" }, ` ${S.ws?.bot?.name ?? "app"}`))));
    } else {
      closePopup();
    }
  }

  function pick(index) {
    const choice = items[index];
    if (choice == null) return;
    const { selectionStart: caret, value } = textarea;
    if (mode === "mention") {
      const before = value.slice(0, caret).replace(/@([\w.-]*)$/, `@${choice.name} `);
      textarea.value = before + value.slice(caret);
      textarea.selectionStart = textarea.selectionEnd = before.length;
    } else {
      textarea.value = `${choice} `;
    }
    closePopup();
    textarea.focus();
    autosize();
  }

  async function submit() {
    const typed = textarea.value;
    if (!typed.trim()) return;
    const slash = typed.match(/^\/([\w-]+)(?:\s+([\s\S]*))?$/);
    textarea.value = "";
    autosize();
    closePopup();
    try {
      if (slash && opts.onCommand) {
        await opts.onCommand({ command: `/${slash[1]}`, text: (slash[2] ?? "").trim() });
      } else {
        await opts.onSend({ text: toSlackText(typed), broadcast: !broadcastRow.hidden && broadcast.checked });
        broadcast.checked = false;
      }
    } catch (err) {
      textarea.value = typed; // nothing is lost when the sandbox refuses
      autosize();
      throw err;
    }
  }

  textarea.addEventListener("input", onInput);
  textarea.addEventListener("click", onInput);
  // Close the completion popup only if focus really left: a re-render that briefly moves focus away and back
  // (live updates while someone types) must not swallow the popup and turn Enter into "send".
  textarea.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== textarea) closePopup();
  }, 150));
  textarea.addEventListener("keydown", (ev) => {
    if (!popup.hidden && items.length) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        highlight();
        return;
      }
      if (ev.key === "Enter" || ev.key === "Tab") {
        ev.preventDefault();
        pick(active);
        return;
      }
      if (ev.key === "Escape") {
        closePopup();
        return;
      }
    }
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit().catch(() => {});
    }
  });
  send.addEventListener("click", () => submit().catch(() => {}));

  refresh();
  return { refresh, focus: () => textarea.focus(), textarea };
}

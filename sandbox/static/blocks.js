// Block Kit rendering for messages, modals and the App Home, from Slack's public block reference.
// Interactive elements call ctx.onAction; inputs inside modals register a reader in ctx.inputs.
import { h } from "./dom.js";
import { emojiFor } from "./emoji.js";
import { escapeHtml, formatSlackDate, fullDate, markdown, plainText, safeUrl, textObject } from "./mrkdwn.js";

/**
 * ctx = {
 *   fmt: {userName, channelName, tz, me},   text formatting context
 *   surface: "message" | "modal" | "home",
 *   users: [{id, name}], channels: [{id, name}],
 *   onAction({element, blockId, value, target}) -> Promise,   an interactive element was used
 *   confirm(confirmObject) -> Promise<boolean>,
 *   inputs: [],             modals: {blockId, actionId, block, read(), wrapper} per input block
 *   errors: {blockId: text},
 *   keep: Map("blockId/actionId" -> value)   input typed before a re-render
 * }
 */
export function renderBlocks(blocks, ctx) {
  const root = h("div", { class: "blocks" });
  (blocks ?? []).forEach((block, index) => {
    if (!block || typeof block !== "object") return;
    const blockId = block.block_id || `b${index}`;
    const render = RENDERERS[block.type] ?? unknownBlock;
    const el = render(block, ctx, blockId, index);
    if (el) {
      el.dataset.blockId = blockId;
      el.dataset.blockType = block.type;
      root.append(el);
    }
  });
  return root;
}

const RENDERERS = {
  section: section,
  header: (b, ctx) => h("div", { class: "b-header", html: plainText(b.text) }),
  divider: () => h("hr", { class: "b-divider" }),
  context: context,
  actions: actions,
  image: imageBlock,
  rich_text: (b, ctx) => richText(b, ctx),
  markdown: (b, ctx) => h("div", { class: "b-markdown mk", html: markdown(b.text, ctx.fmt) }),
  input: input,
  file: (b) => h("div", { class: "b-file" }, "📄 ", b.external_id || "A file"),
  video: (b) => h("div", { class: "b-file" }, "🎬 ", plainTextString(b.title) || "A video"),
};

function unknownBlock(block) {
  return h("div", { class: "b-unknown" }, `This block type (${block.type}) isn't shown in the sandbox.`);
}

function plainTextString(obj) {
  return typeof obj === "string" ? obj : obj?.text ?? "";
}

// ---- layout blocks ------------------------------------------------------------------------------

function section(block, ctx, blockId) {
  const main = h("div", { class: "b-section-main" });
  if (block.text) main.append(h("div", { class: "b-text mk", html: textObject(block.text, ctx.fmt) }));
  if (Array.isArray(block.fields) && block.fields.length) {
    main.append(
      h("div", { class: "b-fields" }, block.fields.map((f) => h("div", { class: "b-field mk", html: textObject(f, ctx.fmt) }))),
    );
  }
  const el = h("div", { class: "b-section" }, main);
  if (block.accessory) {
    const accessory = block.accessory.type === "image"
      ? image(block.accessory, "b-accessory-image")
      : element(block.accessory, ctx, blockId, { dispatch: true });
    el.append(h("div", { class: "b-accessory" }, accessory));
  }
  return el;
}

function context(block, ctx) {
  const parts = (block.elements ?? []).map((e) => {
    if (e.type === "image") return image(e, "b-context-image");
    return h("span", { class: "b-context-text mk", html: textObject(e, ctx.fmt, { inline: false }) });
  });
  return h("div", { class: "b-context" }, parts);
}

function actions(block, ctx, blockId) {
  return h("div", { class: "b-actions" }, (block.elements ?? []).map((e) => element(e, ctx, blockId, { dispatch: true })));
}

/** Images load only from this sandbox or data: URLs; the sandbox is offline, so others show a placeholder. */
function loadable(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "data:" || parsed.origin === location.origin
      || ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  } catch {
    return false;
  }
}

function image(e, cls) {
  const alt = e.alt_text ?? "";
  const url = e.image_url ?? e.slack_file?.url ?? "";
  if (url && loadable(url)) return h("img", { class: cls, src: url, alt, title: alt });
  return h("span", { class: `${cls} img-placeholder`, title: `${alt} (external image not loaded offline)` }, "🖼");
}

function imageBlock(block) {
  const url = block.image_url ?? block.slack_file?.url ?? "";
  const title = block.title ? h("div", { class: "b-image-title", html: plainText(block.title) }) : null;
  const body = url && loadable(url)
    ? h("img", { class: "b-image", src: url, alt: block.alt_text ?? "" })
    : h("div", { class: "b-image img-placeholder-large" }, h("span", {}, "🖼"), h("span", {}, block.alt_text || "Image"),
      h("small", {}, "External image: not loaded in the offline sandbox"));
  return h("div", { class: "b-image-block" }, title, body);
}

// ---- rich text ----------------------------------------------------------------------------------

function richText(block, ctx) {
  return h("div", { class: "b-rich" }, (block.elements ?? []).map((e) => richElement(e, ctx)));
}

function richElement(e, ctx) {
  switch (e.type) {
    case "rich_text_section":
      return h("div", { class: "rt-section" }, inlineRich(e.elements, ctx));
    case "rich_text_preformatted":
      return h("pre", { class: "mk-pre" }, inlineRich(e.elements, ctx, { code: true }));
    case "rich_text_quote":
      return h("blockquote", { class: "mk-quote" }, inlineRich(e.elements, ctx));
    case "rich_text_list": {
      const list = h(e.style === "ordered" ? "ol" : "ul", {
        class: `rt-list rt-indent-${e.indent ?? 0}`,
        start: e.offset ? e.offset + 1 : null,
      });
      for (const item of e.elements ?? []) list.append(h("li", {}, inlineRich(item.elements, ctx)));
      return list;
    }
    default:
      return h("div", {}, inlineRich(e.elements, ctx));
  }
}

function inlineRich(elements, ctx, { code = false } = {}) {
  return (elements ?? []).map((e) => {
    let node;
    switch (e.type) {
      case "text":
        node = document.createTextNode(e.text ?? "");
        break;
      case "link":
        node = h("a", { href: safeUrl(e.url ?? "#"), target: "_blank", rel: "noopener noreferrer" }, e.text || e.url);
        break;
      case "user": {
        const name = ctx.fmt.userName?.(e.user_id) ?? e.user_id;
        node = h("span", { class: `mention${e.user_id === ctx.fmt.me ? " mention-self" : ""}`, dataset: { user: e.user_id } }, `@${name}`);
        break;
      }
      case "channel":
        node = h("span", { class: "channel-link" }, `#${ctx.fmt.channelName?.(e.channel_id) ?? e.channel_id}`);
        break;
      case "usergroup":
        node = h("span", { class: "mention" }, "@group");
        break;
      case "broadcast":
        node = h("span", { class: "mention mention-broadcast" }, `@${e.range}`);
        break;
      case "emoji":
        node = h("span", { class: "emoji", title: `:${e.name}:` }, e.unicode
          ? String.fromCodePoint(...e.unicode.split("-").map((c) => parseInt(c, 16)))
          : emojiFor(e.name) ?? `:${e.name}:`);
        break;
      case "date":
        node = h("time", { class: "mk-date", title: fullDate(new Date(e.timestamp * 1000), ctx.fmt.tz) },
          formatSlackDate(e.timestamp, e.format ?? "{date_short_pretty}", ctx.fmt.tz));
        break;
      case "color":
        node = h("span", { class: "rt-color" }, h("span", { class: "rt-swatch", style: { background: e.value } }), e.value);
        break;
      default:
        node = document.createTextNode(e.text ?? "");
    }
    const style = e.style ?? {};
    if (!code) {
      if (style.code) node = h("code", { class: "mk-code" }, node);
      if (style.strike) node = h("s", {}, node);
      if (style.italic) node = h("i", {}, node);
      if (style.bold) node = h("b", {}, node);
    }
    return node;
  });
}

// ---- inputs (modals) ----------------------------------------------------------------------------

function input(block, ctx, blockId, index) {
  const el = block.element ?? {};
  // The same default the sandbox uses when it builds view.state for an element without an action_id.
  const actionId = el.action_id || `a${index}`;
  const label = h("label", { class: "b-input-label", html: plainText(block.label) },
    block.optional ? h("span", { class: "b-optional" }, " (optional)") : null);
  const control = element(el, ctx, blockId, { dispatch: Boolean(block.dispatch_action), inInput: true });
  const error = ctx.errors?.[blockId];
  const wrapper = h("div", { class: `b-input${error ? " invalid" : ""}` }, label, control,
    block.hint ? h("div", { class: "b-hint", html: plainText(block.hint) }) : null,
    h("div", { class: "b-error", role: "alert" }, error ?? ""));
  ctx.inputs?.push({ blockId, actionId, block, wrapper, read: control.read ?? (() => null) });
  return wrapper;
}

// ---- interactive elements -----------------------------------------------------------------------

function kept(ctx, blockId, e) {
  const key = `${blockId}/${e.action_id}`;
  return ctx.keep?.has(key) ? { has: true, value: ctx.keep.get(key) } : { has: false };
}

async function fire(ctx, e, blockId, value, target) {
  if (e.confirm && !(await ctx.confirm(e.confirm))) return;
  await ctx.onAction?.({ element: e, blockId, value, target });
}

function element(e, ctx, blockId, { dispatch = true, inInput = false } = {}) {
  const maker = ELEMENTS[e.type];
  if (!maker) return h("span", { class: "b-unknown" }, `(${e.type})`);
  const node = maker(e, ctx, blockId, { dispatch, inInput });
  node.dataset.actionId = e.action_id ?? "";
  return node;
}

function button(e, ctx, blockId) {
  const cls = ["btn", e.style === "primary" ? "btn-primary" : e.style === "danger" ? "btn-danger" : "btn-default"];
  const node = h("button", { class: cls.join(" "), type: "button", title: e.accessibility_label ?? null },
    h("span", { class: "btn-label", html: plainText(e.text) }));
  node.addEventListener("click", async () => {
    if (node.classList.contains("busy")) return;
    if (e.url) window.open(safeUrl(e.url), "_blank", "noopener");
    node.classList.add("busy");
    try {
      await fire(ctx, e, blockId, undefined, node);
    } finally {
      node.classList.remove("busy");
    }
  });
  return node;
}

function optionsOf(e) {
  if (Array.isArray(e.option_groups)) return e.option_groups.flatMap((g) => g.options ?? []);
  return e.options ?? [];
}

function selectElement(e, ctx, blockId, { dispatch, multiple = false, choices }) {
  const sel = h("select", { class: `select${multiple ? " select-multi" : ""}`, multiple: multiple || null });
  if (!multiple) {
    sel.append(h("option", { value: "", disabled: true }, plainTextString(e.placeholder) || "Select an item"));
  }
  const groups = Array.isArray(e.option_groups)
    ? e.option_groups.map((g) => [plainTextString(g.label), g.options ?? []])
    : [[null, choices]];
  for (const [label, opts] of groups) {
    const parent = label ? h("optgroup", { label }) : sel;
    for (const o of opts) parent.append(h("option", { value: o.value }, plainTextString(o.text)));
    if (parent !== sel) sel.append(parent);
  }
  const initial = kept(ctx, blockId, e);
  const initialValues = (initial.has ? [initial.value].flat() : initialOf(e)).filter((v) => v != null);
  for (const option of sel.options) option.selected = initialValues.includes(option.value);
  if (!multiple && !initialValues.length) sel.selectedIndex = 0;
  sel.read = () => {
    const values = Array.from(sel.selectedOptions).map((o) => o.value).filter((v) => v !== "");
    return multiple ? values : values[0] ?? null;
  };
  if (dispatch) sel.addEventListener("change", () => fire(ctx, e, blockId, sel.read(), sel));
  return sel;
}

function initialOf(e) {
  if (e.initial_option) return [e.initial_option.value];
  if (e.initial_options) return e.initial_options.map((o) => o.value);
  for (const key of ["initial_user", "initial_conversation", "initial_channel"]) if (e[key]) return [e[key]];
  for (const key of ["initial_users", "initial_conversations", "initial_channels"]) if (e[key]) return e[key];
  return [];
}

function textInput(e, ctx, blockId, { dispatch }) {
  const initial = kept(ctx, blockId, e);
  const value = initial.has ? initial.value ?? "" : e.initial_value ?? "";
  const type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[e.type] ?? "text";
  const attrs = {
    class: e.multiline ? "textarea" : "text-input",
    placeholder: plainTextString(e.placeholder) || null,
    maxlength: e.max_length ?? null,
    minlength: e.min_length ?? null,
  };
  const node = e.multiline ? h("textarea", { ...attrs, rows: 4 }) : h("input", { ...attrs, type });
  if (e.type === "number_input") {
    node.step = e.is_decimal_allowed ? "any" : "1";
    if (e.min_value != null) node.min = e.min_value;
    if (e.max_value != null) node.max = e.max_value;
  }
  node.value = value;
  node.read = () => (node.value === "" ? null : node.value);
  if (dispatch) {
    // Slack dispatches on Enter by default (dispatch_action_config: on_enter_pressed).
    node.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !e.multiline) fire(ctx, e, blockId, node.read(), node);
    });
  }
  return node;
}

function pickerInput(e, ctx, blockId, { dispatch }, type, initialKey) {
  const initial = kept(ctx, blockId, e);
  const node = h("input", { class: "text-input picker", type });
  let value = initial.has ? initial.value : e[initialKey];
  if (type === "datetime-local" && value) {
    const d = new Date(Number(value) * 1000);
    value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  node.value = value ?? "";
  node.read = () => {
    if (!node.value) return null;
    return type === "datetime-local" ? Math.floor(new Date(node.value).getTime() / 1000) : node.value;
  };
  if (dispatch) node.addEventListener("change", () => fire(ctx, e, blockId, node.read(), node));
  return node;
}

function choiceList(e, ctx, blockId, { dispatch }, kind) {
  const name = `${blockId}-${e.action_id}-${Math.random().toString(36).slice(2, 8)}`;
  const initial = kept(ctx, blockId, e);
  const chosen = (initial.has ? [initial.value].flat() : initialOf(e)).filter((v) => v != null);
  const box = h("div", { class: `choices choices-${kind}` });
  for (const o of e.options ?? []) {
    const control = h("input", { type: kind, name, value: o.value });
    control.checked = chosen.includes(o.value);
    if (dispatch) control.addEventListener("change", () => fire(ctx, e, blockId, box.read(), control));
    box.append(h("label", { class: "choice" }, control,
      h("span", {}, h("span", { class: "mk", html: textObject(o.text, ctx.fmt) }),
        o.description ? h("span", { class: "choice-desc mk", html: textObject(o.description, ctx.fmt) }) : null)));
  }
  box.read = () => {
    const values = Array.from(box.querySelectorAll("input:checked")).map((i) => i.value);
    return kind === "checkbox" ? values : values[0] ?? null;
  };
  return box;
}

function overflow(e, ctx, blockId) {
  const wrap = h("div", { class: "overflow" });
  const menu = h("div", { class: "menu overflow-menu", hidden: true });
  const trigger = h("button", { class: "btn btn-default btn-icon", type: "button", title: "More actions" }, "⋮");
  trigger.addEventListener("click", (ev) => {
    ev.stopPropagation();
    menu.hidden = !menu.hidden;
  });
  for (const o of e.options ?? []) {
    menu.append(h("button", {
      class: "menu-item", type: "button",
      onclick: () => {
        menu.hidden = true;
        if (o.url) window.open(safeUrl(o.url), "_blank", "noopener");
        fire(ctx, e, blockId, o.value, trigger);
      },
    }, h("span", { html: plainText(o.text) })));
  }
  document.addEventListener("click", () => { menu.hidden = true; });
  wrap.append(trigger, menu);
  return wrap;
}

const ELEMENTS = {
  button,
  static_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, choices: optionsOf(e) }),
  external_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, choices: optionsOf(e) }),
  multi_static_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, multiple: true, choices: optionsOf(e) }),
  users_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, choices: userOptions(ctx) }),
  multi_users_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, multiple: true, choices: userOptions(ctx) }),
  conversations_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, choices: channelOptions(ctx) }),
  channels_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, choices: channelOptions(ctx) }),
  multi_conversations_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, multiple: true, choices: channelOptions(ctx) }),
  multi_channels_select: (e, ctx, b, o) => selectElement(e, ctx, b, { ...o, multiple: true, choices: channelOptions(ctx) }),
  plain_text_input: textInput,
  email_text_input: textInput,
  url_text_input: textInput,
  number_input: textInput,
  datepicker: (e, ctx, b, o) => pickerInput(e, ctx, b, o, "date", "initial_date"),
  timepicker: (e, ctx, b, o) => pickerInput(e, ctx, b, o, "time", "initial_time"),
  datetimepicker: (e, ctx, b, o) => pickerInput(e, ctx, b, o, "datetime-local", "initial_date_time"),
  checkboxes: (e, ctx, b, o) => choiceList(e, ctx, b, o, "checkbox"),
  radio_buttons: (e, ctx, b, o) => choiceList(e, ctx, b, o, "radio"),
  overflow,
  image: (e) => image(e, "b-accessory-image"),
};

function userOptions(ctx) {
  return (ctx.users ?? []).map((u) => ({ value: u.id, text: { type: "plain_text", text: u.real_name || u.name } }));
}

function channelOptions(ctx) {
  return (ctx.channels ?? []).map((c) => ({ value: c.id, text: { type: "plain_text", text: `#${c.name ?? c.id}` } }));
}

export { escapeHtml };

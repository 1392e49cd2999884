// The sandbox's Slack-like client: sidebar, channel and app views, threads, composer, modals, App Home,
// and live updates from /sandbox/events. It acts as one demo user at a time ("acting as").
import { api } from "./api.js";
import { renderBlocks } from "./blocks.js";
import { createComposer } from "./composer.js";
import { clear, h } from "./dom.js";
import { clockTime, mrkdwn } from "./mrkdwn.js";
import { renderMessageList } from "./messages.js";
import { confirmDialog, missingErrors, renderModal } from "./modal.js";
import {
  avatarUrl, channel, channelName, currentChannelId, displayName, fmt, humanUsers, myTz, S,
  storeActingAs, storedActingAs, user,
} from "./state.js";

const $ = (id) => document.getElementById(id);
let mainComposer = null;
let threadComposer = null;

// ---- feedback -------------------------------------------------------------------------------------

let toastTimer = null;
function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

const ERROR_TEXT = {
  not_in_channel: "You're not a member of this conversation.",
  channel_not_found: "That conversation isn't available to this person.",
  no_text: "Type a message first.",
  action_not_found: "That button no longer exists.",
  message_not_found: "That message no longer exists.",
};

function describe(err) {
  return ERROR_TEXT[err?.code] ?? `Something went wrong (${err?.code ?? err?.message ?? err}).`;
}

/** Why the app did not take a click/command, in the words Slack uses. */
function noAnswer(result) {
  const app = S.ws.bot.name;
  const reason = result.reason ?? (result.status ? `http_${result.status}` : "no_response");
  if (reason === "http_timeout") return `${app} didn't respond in time. Try again in a moment.`;
  if (reason === "connection_failed") return `${app} is not running (couldn't connect). Try again once it's up.`;
  return `${app} responded with an error (${reason}${result.status ? `, HTTP ${result.status}` : ""}).`;
}

// ---- loading with stale-answer protection -------------------------------------------------------

const generation = {};
/** Runs `load`; its result is applied only if no newer load of the same kind started meanwhile. */
async function fresh(kind, load, apply) {
  generation[kind] = (generation[kind] ?? 0) + 1;
  const mine = generation[kind];
  try {
    const result = await load();
    if (generation[kind] === mine) apply(result);
  } catch (err) {
    if (generation[kind] === mine) console.warn(kind, err);
  }
}

const pending = new Set();
let flushTimer = null;
/** Coalesces bursts of change notices (a streamed answer sends many) into one reload per kind. */
function schedule(kind) {
  pending.add(kind);
  if (flushTimer) return;
  flushTimer = setTimeout(() => {
    flushTimer = null;
    const kinds = [...pending];
    pending.clear();
    for (const k of kinds) LOADERS[k]?.();
  }, 40);
}

const LOADERS = {
  sidebar: () => loadSidebar(),
  messages: () => loadMessages(),
  thread: () => loadThread(),
  modal: () => loadModal(),
  home: () => loadHome(),
  assistant: () => loadAssistant(),
};

// ---- boot ---------------------------------------------------------------------------------------

async function boot() {
  S.ws = await api.workspace();
  for (const u of S.ws.users) S.users.set(u.id, u);
  const asked = new URLSearchParams(location.search).get("as");
  const people = humanUsers();
  const candidate = [asked, storedActingAs()].find((id) => id && people.some((u) => u.id === id));
  S.me = candidate ?? people[0]?.id;
  storeActingAs(S.me);
  document.title = `${S.ws.team.name} · Slack sandbox`;
  $("team-name").replaceChildren(h("span", {}, S.ws.team.name), h("span", { class: "caret" }, " ▾"));
  $("rail-team").textContent = S.ws.team.name.slice(0, 1).toUpperCase();
  $("rail-team").title = S.ws.team.name;
  mainComposer = createComposer($("composer-main"), {
    testid: "composer",
    placeholder: () => {
      const id = currentChannelId();
      if (!id) return "";
      if (S.current.type === "app") return `Message ${S.ws.bot.name}`;
      const c = channel(id);
      return c?.is_im ? `Message ${displayName(c.user)}` : `Message #${channelName(id)}`;
    },
    onSend: ({ text }) => sendMessage({ channel: currentChannelId(), text }),
    onCommand: ({ command, text }) => runCommand(currentChannelId(), command, text),
  });
  threadComposer = createComposer($("composer-thread"), {
    testid: "thread-composer",
    placeholder: () => "Reply…",
    broadcastLabel: () => {
      if (!S.thread) return null;
      const c = channel(S.thread.channel);
      return c && !c.is_im ? `Also send to #${c.name}` : null;
    },
    onSend: ({ text, broadcast }) => sendMessage({ channel: S.thread.channel, text, thread_ts: S.thread.ts, reply_broadcast: broadcast }),
    onCommand: ({ command, text }) => runCommand(S.thread.channel, command, text),
  });
  wireChrome();
  renderActingAs();
  $("acting-as").disabled = false;  // its click handler is wired now (index.html ships it disabled)
  await loadSidebar();
  await navigate(parseHash());
  connectLive();
  loadModal();
}

function wireChrome() {
  $("thread-close").addEventListener("click", () => closeThread());
  $("acting-as").addEventListener("click", (ev) => {
    ev.stopPropagation();
    const menu = $("acting-menu");
    if (menu.hidden) renderActingMenu();
    menu.hidden = !menu.hidden;
  });
  document.addEventListener("click", (ev) => {
    if (!$("acting-menu").contains(ev.target)) $("acting-menu").hidden = true;
    if (!ev.target.closest?.(".picker-wrap")) document.querySelectorAll(".emoji-menu").forEach((m) => { m.hidden = true; });
    if (!ev.target.closest?.(".topbar-search")) $("search-results").hidden = true;
  });
  $("rail-dms").addEventListener("click", () => {
    const dm = S.channels.find((c) => c.is_im && c.id !== S.appDm);
    if (dm) navigate({ type: "channel", id: dm.id });
  });
  wireSearch();
  window.addEventListener("hashchange", () => navigate(parseHash(), { fromHash: true }));
}

// ---- acting as ----------------------------------------------------------------------------------

function renderActingAs() {
  const button = $("acting-as");
  button.querySelector("img").src = avatarUrl(S.me);
  button.querySelector(".acting-as-name").textContent = displayName(S.me);
  button.dataset.userId = S.me;
}

function renderActingMenu() {
  const menu = $("acting-menu");
  const rows = humanUsers().map((u) => h("button", {
    class: `menu-item person${u.id === S.me ? " current" : ""}`, type: "button", dataset: { userId: u.id },
    "data-testid": "acting-as-option",
    onclick: () => switchUser(u.id),
  },
  h("img", { class: "avatar avatar-md", src: avatarUrl(u.id), alt: "" }),
  h("span", { class: "person-text" },
    h("span", { class: "person-name" }, displayName(u.id), u.is_admin ? h("span", { class: "menu-hint" }, " · admin") : null),
    h("span", { class: "person-sub" }, [u.profile?.title, `${clockTime(new Date(), u.tz)} local time`].filter(Boolean).join(" · "))),
  u.id === S.me ? h("span", { class: "check" }, "✓") : null));
  menu.replaceChildren(h("div", { class: "menu-title" }, "Act as a person in this workspace"), ...rows);
}

async function switchUser(id) {
  $("acting-menu").hidden = true;
  if (id === S.me) return;
  S.me = id;
  storeActingAs(id);
  S.notices.clear();
  S.local = [];
  S.unread.clear();
  S.appDm = null;
  renderActingAs();
  await loadSidebar();
  // A thread in a conversation the new person cannot see (another person's DM with the app) closes.
  if (S.thread && !channel(S.thread.channel)) closeThread();
  const here = S.current;
  // Stay where you are when the new person can see it (the thread too); otherwise go to #general.
  if (here?.type === "channel" && !channel(here.id)) {
    closeThread();
    await navigate({ type: "channel", id: S.ws.general ?? S.channels[0]?.id });
  } else {
    await navigate(here ?? { type: "channel", id: S.ws.general }, { keepThread: true });
  }
  loadModal();
  toast(`You're now acting as ${displayName(id)}.`);
}

// ---- sidebar ------------------------------------------------------------------------------------

async function loadSidebar() {
  await fresh("sidebar", () => api.conversations(S.me), (data) => {
    S.channels = data.channels;
    const appDm = data.channels.find((c) => c.is_im && c.user === S.ws.bot.user_id);
    if (appDm) S.appDm = appDm.id;
    renderSidebar();
  });
}

function sidebarItem({ label, icon, active, unread, onclick, testid, dataset }) {
  return h("button", {
    class: `sidebar-item${active ? " active" : ""}${unread ? " unread" : ""}`, type: "button", onclick,
    "data-testid": testid, dataset,
  }, icon, h("span", { class: "sidebar-label" }, label));
}

function renderSidebar() {
  const cur = S.current;
  const channels = S.channels.filter((c) => !c.is_im).sort((a, b) => a.name.localeCompare(b.name));
  const dms = S.channels.filter((c) => c.is_im && c.user !== S.ws.bot.user_id);
  const others = humanUsers().filter((u) => u.id !== S.me && !dms.some((d) => d.user === u.id));
  const suggestions = others.slice(0, Math.max(0, 4 - dms.length));
  const section = (title, items) => h("div", { class: "sidebar-section" },
    h("div", { class: "sidebar-section-title" }, h("span", { class: "caret" }, "▾ "), title), ...items);
  $("sidebar").replaceChildren(
    section("Channels", channels.map((c) => sidebarItem({
      label: c.name,
      icon: h("span", { class: "sidebar-icon hash" }, c.is_private ? "🔒" : "#"),
      active: cur?.type === "channel" && cur.id === c.id,
      unread: S.unread.has(c.id),
      onclick: () => navigate({ type: "channel", id: c.id }),
      testid: "sidebar-channel",
      dataset: { channelId: c.id, name: c.name },
    }))),
    section("Direct messages", [
      ...dms.map((c) => sidebarItem({
        label: displayName(c.user) + (c.user === S.me ? " (you)" : ""),
        icon: h("img", { class: "avatar avatar-xs", src: avatarUrl(c.user), alt: "" }),
        active: cur?.type === "channel" && cur.id === c.id,
        unread: S.unread.has(c.id),
        onclick: () => navigate({ type: "channel", id: c.id }),
        testid: "sidebar-dm",
        dataset: { channelId: c.id },
      })),
      ...suggestions.map((u) => sidebarItem({
        label: displayName(u.id),
        icon: h("img", { class: "avatar avatar-xs", src: avatarUrl(u.id), alt: "" }),
        onclick: () => openDmWith(u.id),
        testid: "sidebar-dm",
      })),
    ]),
    section("Apps", [sidebarItem({
      label: S.ws.bot.name,
      icon: h("img", { class: "avatar avatar-xs", src: avatarUrl(S.ws.bot.user_id), alt: "" }),
      active: cur?.type === "app",
      unread: S.appDm && S.unread.has(S.appDm),
      onclick: () => navigate({ type: "app", tab: "home" }),
      testid: "sidebar-app",
    })]),
  );
}

async function openDmWith(userId) {
  try {
    const { channel: id } = await api.openDm({ user: S.me, with: userId });
    await loadSidebar();
    await navigate({ type: "channel", id });
  } catch (err) {
    toast(describe(err));
  }
}

// ---- navigation ---------------------------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  if (parts[0] === "app") return { type: "app", tab: parts[1] ?? "home" };
  if (parts[0] === "c" && parts[1]) return { type: "channel", id: parts[1], thread: parts[2] === "t" ? parts[3] : null };
  return { type: "channel", id: S.ws.general ?? S.channels[0]?.id };
}

function hashFor(where) {
  if (where.type === "app") return `#/app/${where.tab}`;
  const thread = S.thread && S.thread.channel === where.id ? `/t/${S.thread.ts}` : "";
  return `#/c/${where.id}${thread}`;
}

async function navigate(where, { fromHash = false, keepThread = false } = {}) {
  if (!where?.id && where?.type !== "app") return;
  const changed = JSON.stringify(S.current) !== JSON.stringify({ type: where.type, id: where.id, tab: where.tab });
  S.current = where.type === "app" ? { type: "app", tab: where.tab } : { type: "channel", id: where.id };
  if (where.type === "app") await openApp(where.tab);
  const id = currentChannelId();
  if (id) S.unread.delete(id);
  if (where.thread) openThread(where.id, where.thread, { silent: true });
  else if (!keepThread && changed && S.thread && S.thread.channel !== id) closeThread();
  renderSidebar();
  renderHeader();
  showPane();
  mainComposer.refresh();
  if (!fromHash) history.replaceState(null, "", hashFor(S.current));
  if (id) {
    if (changed) clear($("messages"));
    await loadMessages({ scroll: "bottom" });
  }
  if (S.thread) loadThread();
  if (S.current.type === "app" && S.current.tab === "home") loadHome();
  mainComposer.focus();
}

async function openApp(tab) {
  try {
    // Slack sends app_home_opened whenever someone opens one of the app's tabs.
    const result = await api.appHome({ user: S.me, tab: tab === "about" ? "home" : tab });
    S.appDm = result.channel;
    if (!channel(result.channel)) await loadSidebar();
  } catch (err) {
    toast(describe(err));
  }
}

function showPane() {
  const app = S.current?.type === "app";
  const tab = app ? S.current.tab : null;
  $("tabs").hidden = !app;
  $("home-pane").hidden = tab !== "home";
  $("about-pane").hidden = tab !== "about";
  $("messages-pane").hidden = app && tab !== "messages";
  if (app) renderTabs();
  if (tab === "about") renderAbout();
}

function renderTabs() {
  const tabs = [["home", "Home"], ["messages", "Messages"], ["about", "About"]];
  $("tabs").replaceChildren(...tabs.map(([id, label]) => h("button", {
    class: `tab${S.current.tab === id ? " active" : ""}`, type: "button", "data-testid": `tab-${id}`,
    onclick: () => navigate({ type: "app", tab: id }),
  }, label)));
}

function renderHeader() {
  const header = $("channel-header");
  const cur = S.current;
  if (!cur) return;
  if (cur.type === "app") {
    header.replaceChildren(h("div", { class: "channel-title" },
      h("img", { class: "avatar avatar-sm", src: avatarUrl(S.ws.bot.user_id), alt: "" }),
      h("span", { class: "channel-name" }, S.ws.bot.name), h("span", { class: "app-badge" }, "APP")));
    return;
  }
  const c = channel(cur.id);
  if (!c) {
    header.replaceChildren(h("div", { class: "channel-title" }, h("span", { class: "channel-name" }, cur.id)));
    return;
  }
  if (c.is_im) {
    const other = user(c.user);
    header.replaceChildren(h("div", { class: "channel-title" },
      h("img", { class: "avatar avatar-sm", src: avatarUrl(c.user), alt: "" }),
      h("span", { class: "channel-name" }, displayName(c.user)),
      other?.tz ? h("span", { class: "channel-topic" }, `${clockTime(new Date(), other.tz)} local time`) : null));
    return;
  }
  const members = c.num_members ?? 0;
  header.replaceChildren(
    h("div", { class: "channel-title" },
      h("span", { class: "channel-name", "data-testid": "channel-name" }, h("span", { class: "hash" }, c.is_private ? "🔒 " : "# "), c.name, h("span", { class: "caret" }, " ▾")),
      c.purpose?.value ? h("span", { class: "channel-topic" }, c.purpose.value) : null),
    h("div", { class: "channel-members", title: `${members} members` },
      h("span", { class: "member-stack" }, ...humanUsers().slice(0, 3).map((u) => h("img", { class: "avatar avatar-xs", src: avatarUrl(u.id), alt: "" }))),
      h("span", {}, String(members))));
}

function renderIntro() {
  const intro = $("channel-intro");
  const id = currentChannelId();
  const c = channel(id);
  if (S.current?.type === "app") {
    intro.replaceChildren(h("img", { class: "avatar avatar-xl", src: avatarUrl(S.ws.bot.user_id), alt: "" }),
      h("h2", {}, S.ws.bot.name, " ", h("span", { class: "app-badge" }, "APP")),
      h("p", {}, `This is the very beginning of your direct message history with ${S.ws.bot.name}. Ask it something, or type /${S.ws.bot.name}.`));
  } else if (c?.is_im) {
    intro.replaceChildren(h("img", { class: "avatar avatar-xl", src: avatarUrl(c.user), alt: "" }),
      h("h2", {}, displayName(c.user)),
      h("p", {}, `This conversation is just between you and ${displayName(c.user)}.`));
  } else if (c) {
    intro.replaceChildren(h("h2", {}, `# ${c.name}`),
      h("p", {}, `This is the very beginning of the `, h("b", {}, `#${c.name}`), ` channel. ${c.purpose?.value ?? ""}`));
  } else {
    intro.replaceChildren();
  }
}

// ---- messages -----------------------------------------------------------------------------------

const messageHooks = (channelId) => ({
  onAction: (m, action) => clickInMessage(channelId(), m, action),
  react: (m, name, remove) => react(channelId(), m, name, remove),
  openThread: (ts) => openThread(channelId(), ts),
  retry: (m) => retryDelivery(channelId(), m),
  confirm: confirmDialog,
});

function nearBottom(scroller) {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
}

function localNotices(channelId, threadTs) {
  return S.local.filter((n) => n.channel === channelId && (n.thread_ts ?? null) === (threadTs ?? null));
}

async function loadMessages({ scroll = "auto" } = {}) {
  const id = currentChannelId();
  if (!id) return;
  await fresh("messages", () => api.messages(id, S.me), (data) => {
    if (id !== currentChannelId()) return;
    const scroller = $("messages-scroll");
    const stick = scroll === "bottom" || nearBottom(scroller);
    const all = [...data.messages, ...localNotices(id, null)].sort((a, b) => Number(a.ts) - Number(b.ts));
    renderIntro();
    renderMessageList($("messages"), all, { channel: id, hooks: messageHooks(() => id) });
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  });
}

async function sendMessage(body) {
  try {
    await api.post({ user: S.me, ...body });
    if (body.thread_ts) await loadThread({ scroll: "bottom" });
    await loadMessages({ scroll: body.thread_ts ? "auto" : "bottom" });
  } catch (err) {
    toast(describe(err));
    throw err;
  }
}

async function clickInMessage(channelId, m, action) {
  S.notices.delete(m.ts);
  const body = { user: S.me, channel: channelId, ts: m.ts, action_id: action.element.action_id, block_id: action.blockId };
  // Buttons carry their own value; only choices (selects, dates, checkboxes) send what was picked.
  if (action.value !== undefined) body.value = action.value;
  try {
    const result = await api.click(body);
    if (!result.delivered) S.notices.set(m.ts, noAnswer(result));
  } catch (err) {
    S.notices.set(m.ts, describe(err));
  }
  refreshMessagesAndThread();
}

function refreshMessagesAndThread() {
  schedule("messages");
  if (S.thread) schedule("thread");
}

async function react(channelId, m, name, remove) {
  try {
    await api.react({ user: S.me, channel: channelId, ts: m.ts, name, remove });
  } catch (err) {
    toast(describe(err));
  }
  refreshMessagesAndThread();
}

async function retryDelivery(channelId, m) {
  try {
    await api.retry(channelId, m.ts);
  } catch (err) {
    toast(describe(err));
  }
  refreshMessagesAndThread();
}

async function runCommand(channelId, command, text) {
  const local = { channel: channelId, thread_ts: null };
  try {
    const result = await api.command({ user: S.me, channel: channelId, command, text });
    if (!result.delivered) {
      // Slack's own words when an app does not take a command.
      const code = result.reason === "http_timeout" ? "operation_timeout" : "dispatch_failed";
      addLocalNotice({ ...local, text: `\`${command}\` failed with the error "${code}"` });
    }
  } catch (err) {
    addLocalNotice({ ...local, text: `\`${command}\` couldn't run: ${describe(err)}` });
  }
  refreshMessagesAndThread();
}

function addLocalNotice({ channel: channelId, thread_ts: threadTs, text }) {
  const ts = (Date.now() / 1000).toFixed(6);
  S.local.push({
    type: "message", user: "USLACKBOT", text, ts, channel: channelId, thread_ts: threadTs,
    sandbox: { ephemeral: true, delivery: "none", local: true },
  });
}

// ---- threads ------------------------------------------------------------------------------------

function openThread(channelId, ts, { silent = false } = {}) {
  const same = S.thread && S.thread.channel === channelId && S.thread.ts === ts;
  S.thread = { channel: channelId, ts };
  $("thread-pane").hidden = false;
  const c = channel(channelId);
  $("thread-channel").textContent = c ? (c.is_im ? displayName(c.user) : `# ${c.name}`) : "";
  threadComposer.refresh();
  if (!same) clear($("thread-messages"));
  if (!silent) {
    history.replaceState(null, "", hashFor(S.current));
    loadThread({ scroll: "bottom" });
    loadAssistant();
    threadComposer.focus();
  }
}

function closeThread() {
  S.thread = null;
  $("thread-pane").hidden = true;
  clear($("thread-messages"));
  if (S.current) history.replaceState(null, "", hashFor(S.current));
}

async function loadThread({ scroll = "auto" } = {}) {
  const t = S.thread;
  if (!t) return;
  await fresh("thread", () => api.thread(t.channel, t.ts, S.me), (data) => {
    if (S.thread !== t) return;
    const scroller = $("thread-scroll");
    const stick = scroll === "bottom" || nearBottom(scroller);
    const [parent, ...replies] = data.messages;
    const rest = [...replies, ...localNotices(t.channel, t.ts)].sort((a, b) => Number(a.ts) - Number(b.ts));
    renderMessageList($("thread-messages"), [parent, ...rest], { channel: t.channel, inThread: true, hooks: messageHooks(() => t.channel) });
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  });
}

async function loadAssistant() {
  const t = S.thread;
  if (!t) return;
  await fresh("assistant", () => api.assistant(t.channel, t.ts), (data) => {
    const status = data.thread?.status;
    const el = $("assistant-status");
    el.hidden = !status;
    el.replaceChildren(h("img", { class: "avatar avatar-xs", src: avatarUrl(S.ws.bot.user_id), alt: "" }),
      h("span", {}, `${S.ws.bot.name} ${status ?? ""}`), h("span", { class: "typing" }, h("i"), h("i"), h("i")));
  });
}

// ---- App Home -----------------------------------------------------------------------------------

async function loadHome() {
  if (S.current?.type !== "app" || S.current.tab !== "home") return;
  await fresh("home", () => api.home(S.me), (data) => {
    const pane = $("home-pane");
    const view = data.view;
    if (!view) {
      pane.replaceChildren(h("div", { class: "home-empty" },
        h("img", { class: "avatar avatar-xl", src: avatarUrl(S.ws.bot.user_id), alt: "" }),
        h("p", {}, `${S.ws.bot.name} hasn't published a Home tab for you yet.`)));
      return;
    }
    pane.replaceChildren(h("div", { class: "home-view", "data-testid": "home-view" }, renderBlocks(view.blocks, {
      fmt: fmt(),
      surface: "home",
      users: [...S.users.values()],
      channels: S.channels.filter((c) => !c.is_im),
      onAction: (action) => actInView(view, action),
      confirm: confirmDialog,
    })));
  });
}

function renderAbout() {
  const bot = S.ws.bot;
  $("about-pane").replaceChildren(h("div", { class: "about" },
    h("img", { class: "avatar avatar-xl", src: avatarUrl(bot.user_id), alt: "" }),
    h("h2", {}, bot.name),
    h("dl", {},
      h("dt", {}, "App ID"), h("dd", {}, bot.app_id),
      h("dt", {}, "Bot user"), h("dd", {}, bot.user_id),
      h("dt", {}, "Delivery"), h("dd", {}, S.ws.socket_mode?.enabled ? "Socket Mode" : "HTTP request URL, signed v0 requests"),
      h("dt", {}, "Recording"), h("dd", {}, S.ws.recording ?? "off"))));
}

// ---- modals -------------------------------------------------------------------------------------

const modalHooks = {
  submit: async (view, values) => {
    try {
      const result = await api.submit(view.id, { user: S.me, values });
      if (result.reason === "required_input_missing") {
        S.modal = { ...S.modal, errors: missingErrors(result.missing) };
        renderModal(modalHooks);
        return;
      }
      if (!result.delivered) {
        renderModal(modalHooks, { banner: `We had some trouble connecting to ${S.ws.bot.name}. Try again?` });
        return;
      }
    } catch (err) {
      toast(describe(err));
    }
    await loadModal();
  },
  close: async (view) => {
    try {
      await api.close(view.id, { user: S.me });
    } catch (err) {
      toast(describe(err));
    }
    await loadModal();
  },
  action: (view, action) => actInView(view, action),
};

async function actInView(view, action) {
  const body = { user: S.me, action_id: action.element.action_id, block_id: action.blockId };
  if (action.value !== undefined) body.value = action.value;
  try {
    const result = await api.viewAction(view.id, body);
    if (!result.delivered) toast(noAnswer(result));
  } catch (err) {
    toast(describe(err));
  }
}

async function loadModal() {
  await fresh("modal", () => api.modal(S.me), (data) => {
    S.modal = data.view ? data : null;
    renderModal(modalHooks);
  });
}

// ---- live updates -------------------------------------------------------------------------------

function connectLive() {
  const source = new EventSource("/sandbox/events");
  let dropped = false;
  source.addEventListener("open", () => {
    $("live").classList.add("on");
    $("live").title = "Live updates on";
    if (dropped) {
      // Notices sent while disconnected are gone; re-read everything on screen.
      for (const kind of ["sidebar", "messages", "thread", "modal", "home"]) schedule(kind);
    }
    dropped = false;
  });
  source.addEventListener("error", () => {
    $("live").classList.remove("on");
    $("live").title = "Reconnecting…";
    dropped = true;
  });
  source.addEventListener("change", (ev) => onChange(JSON.parse(ev.data)));
}

function onChange(n) {
  const here = currentChannelId();
  switch (n.kind) {
    case "message":
    case "message_changed":
    case "message_deleted":
    case "reaction":
    case "delivery":
    case "ephemeral": {
      if (n.kind === "ephemeral" && n.user !== S.me) return;
      if (n.channel === here) schedule("messages");
      if (S.thread && n.channel === S.thread.channel) schedule("thread");
      if (n.kind === "message" && n.channel !== here && !(S.thread && n.channel === S.thread.channel)) {
        if (channel(n.channel)) {
          S.unread.add(n.channel);
          renderSidebar();
        } else {
          schedule("sidebar"); // maybe a DM that just started
        }
      }
      break;
    }
    case "view":
      schedule("modal");
      break;
    case "home":
      if (n.user === S.me) schedule("home");
      break;
    case "assistant":
      if (S.thread && n.channel === S.thread.channel && n.thread_ts === S.thread.ts) schedule("assistant");
      break;
    default:
      break;
  }
}

// ---- search -------------------------------------------------------------------------------------

function wireSearch() {
  const input = $("search");
  const results = $("search-results");
  input.placeholder = "Search for channels and people";
  const matches = () => {
    const q = input.value.trim().toLowerCase();
    if (!q) return [];
    const chans = S.channels.filter((c) => !c.is_im && c.name.includes(q))
      .map((c) => ({ label: `# ${c.name}`, go: () => navigate({ type: "channel", id: c.id }) }));
    const people = [...S.users.values()].filter((u) => (u.real_name ?? u.name).toLowerCase().includes(q))
      .map((u) => ({
        label: displayName(u.id),
        icon: avatarUrl(u.id),
        go: () => (u.is_bot ? navigate({ type: "app", tab: "home" }) : openDmWith(u.id)),
      }));
    return [...chans, ...people].slice(0, 8);
  };
  input.addEventListener("input", () => {
    const found = matches();
    results.replaceChildren(...found.map((m) => h("button", {
      class: "menu-item", type: "button",
      onclick: () => { results.hidden = true; input.value = ""; m.go(); },
    }, m.icon ? h("img", { class: "avatar avatar-xs", src: m.icon, alt: "" }) : null, h("span", {}, m.label))));
    results.hidden = found.length === 0;
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      const first = matches()[0];
      if (first) {
        results.hidden = true;
        input.value = "";
        first.go();
      }
    }
    if (ev.key === "Escape") {
      results.hidden = true;
      input.blur();
    }
  });
}

// Visible for debugging in the browser console.
window.sandbox = { S, navigate, switchUser, mrkdwn, myTz };

boot().catch((err) => {
  console.error(err);
  document.body.append(h("div", { class: "fatal" }, `The sandbox page could not start: ${err.message}`));
});

// Message lists: day dividers, grouped messages, Block Kit content, reactions, thread summaries,
// ephemeral and streaming markers, and delivery status to the app.
import { renderBlocks } from "./blocks.js";
import { h, reconcile } from "./dom.js";
import { emojiFor, QUICK_REACTIONS } from "./emoji.js";
import { clockTime, dayLabel, fullDate, markdown, mrkdwn, relativeDay } from "./mrkdwn.js";
import { avatarUrl, displayName, fmt, humanUsers, isBot, myTz, S, user } from "./state.js";

const GROUP_SECONDS = 5 * 60;

/** hooks = {onAction(message, action), react(message, name, remove), openThread(ts), retry(message), confirm} */
export function renderMessageList(container, messages, { channel, inThread = false, hooks }) {
  const tz = myTz();
  const items = [];
  let previous = null;
  let previousDay = null;
  messages.forEach((m, index) => {
    const date = tsDate(m.ts);
    const day = dayLabel(date, tz);
    const isParent = inThread && index === 0;
    if (!inThread && day !== previousDay) {
      items.push({ key: `day-${day}`, sig: day, build: () => dayDivider(day) });
      previous = null;
    }
    previousDay = day;
    const grouped = !isParent && canGroup(previous, m);
    const notice = S.notices.get(m.ts) ?? "";
    const sig = JSON.stringify([m, grouped, S.me, tz, notice, inThread]);
    items.push({ key: `m-${m.ts}`, sig, build: () => messageEl(m, { channel, grouped, inThread, isParent, hooks }) });
    if (isParent && messages.length > 1) {
      // Ephemeral replies are not part of the thread's count, as in Slack.
      const n = m.reply_count ?? messages.slice(1).filter((r) => !r.sandbox?.ephemeral).length;
      const label = `${n} ${n === 1 ? "reply" : "replies"}`;
      if (n > 0) items.push({ key: "reply-count", sig: label, build: () => h("div", { class: "replies-divider" }, h("span", {}, label)) });
      previous = null;
    } else {
      previous = m;
    }
  });
  reconcile(container, items);
}

export function tsDate(ts) {
  return new Date(Number(String(ts).split(".")[0]) * 1000);
}

function authorId(m) {
  return m.user ?? (m.bot_id ? S.ws?.bot?.user_id : null) ?? "USLACKBOT";
}

function canGroup(previous, m) {
  if (!previous) return false;
  if (authorId(previous) !== authorId(m)) return false;
  if (Boolean(previous.sandbox?.ephemeral) !== Boolean(m.sandbox?.ephemeral)) return false;
  if (previous.subtype === "tombstone" || m.subtype === "tombstone") return false;
  if (previous.reply_count) return false;
  return Number(m.ts) - Number(previous.ts) < GROUP_SECONDS;
}

function dayDivider(label) {
  return h("div", { class: "day-divider" }, h("span", { class: "day-pill" }, label));
}

function messageEl(m, { channel, grouped, inThread, isParent, hooks }) {
  const author = authorId(m);
  const bot = isBot(author) || Boolean(m.bot_id);
  const ephemeral = Boolean(m.sandbox?.ephemeral);
  const streaming = m.sandbox?.streaming === "in_progress";
  const tz = myTz();
  const date = tsDate(m.ts);
  const classes = ["msg", grouped && "grouped", ephemeral && "ephemeral", streaming && "streaming", bot && "from-bot"];
  const el = h("div", {
    class: classes.filter(Boolean).join(" "),
    dataset: { ts: m.ts, author },
    "data-testid": "message",
  });

  const gutter = grouped
    ? h("div", { class: "msg-gutter" }, h("span", { class: "msg-hover-time", title: fullDate(date, tz) }, clockTime(date, tz).replace(/\s?[AP]M$/, "")))
    : h("div", { class: "msg-gutter" }, h("img", { class: "avatar avatar-msg", src: avatarUrl(author), alt: "" }));
  const body = h("div", { class: "msg-body" });
  if (!grouped) {
    body.append(h("div", { class: "msg-head" },
      h("span", { class: "msg-author", dataset: { user: author } }, displayName(author)),
      bot ? h("span", { class: "app-badge" }, "APP") : null,
      h("span", { class: "msg-time", title: fullDate(date, tz) }, clockTime(date, tz))));
  }
  if (ephemeral) {
    body.append(h("div", { class: "ephemeral-note" }, h("span", { class: "eye" }, "👁"), " Only visible to you"));
  }
  body.append(content(m, channel, hooks));
  if (m.edited && m.subtype !== "tombstone") body.append(h("span", { class: "edited" }, "(edited)"));
  if (m.subtype === "thread_broadcast" && !inThread) {
    body.append(h("div", { class: "broadcast-note" }, "replied to a thread"));
  }
  const reactions = reactionsRow(m, hooks);
  if (reactions) body.append(reactions);
  if (!inThread && m.reply_count) body.append(threadSummary(m, hooks));
  const delivery = deliveryStatus(m, hooks);
  if (delivery) body.append(delivery);
  const notice = S.notices.get(m.ts);
  if (notice) body.append(h("div", { class: "msg-notice", role: "alert" }, "⚠️ ", notice));

  el.append(gutter, body);
  if (!ephemeral && m.subtype !== "tombstone") el.append(hoverBar(m, { inThread, isParent, hooks }));
  return el;
}

function content(m, channel, hooks) {
  if (m.subtype === "tombstone") return h("div", { class: "msg-text deleted" }, "This message was deleted.");
  const streaming = m.sandbox?.streaming;
  const wrap = h("div", { class: "msg-content" });
  if (Array.isArray(m.blocks) && m.blocks.length) {
    wrap.append(renderBlocks(m.blocks, {
      fmt: fmt(),
      surface: "message",
      users: [...S.users.values()],
      channels: S.channels.filter((c) => !c.is_im),
      onAction: (action) => hooks.onAction(m, action),
      confirm: hooks.confirm,
    }));
  } else if (streaming) {
    const text = h("div", { class: "msg-text mk", html: markdown(m.text ?? "", fmt()) });
    // The caret sits at the end of the words so far, like Slack's streamed answers.
    if (streaming === "in_progress") text.append(h("span", { class: "stream-caret", title: "The app is still writing" }));
    wrap.append(text);
  } else if (m.text) {
    wrap.append(h("div", { class: "msg-text mk", html: mrkdwn(m.text, fmt()) }));
  }
  for (const a of m.attachments ?? []) wrap.append(attachment(a));
  if (streaming === "in_progress" && !m.text && !(m.blocks ?? []).length) {
    wrap.prepend(h("span", { class: "typing" }, h("i"), h("i"), h("i")));
  }
  return wrap;
}

function attachment(a) {
  const el = h("div", { class: "attachment", style: { borderColor: colour(a.color) } });
  if (a.pretext) el.append(h("div", { class: "mk", html: mrkdwn(a.pretext, fmt()) }));
  if (a.title) el.append(h("div", { class: "attachment-title" }, a.title));
  if (a.text) el.append(h("div", { class: "mk", html: mrkdwn(a.text, fmt()) }));
  if (Array.isArray(a.fields) && a.fields.length) {
    el.append(h("div", { class: "b-fields" }, a.fields.map((f) =>
      h("div", { class: "b-field" }, h("b", {}, f.title ?? ""), h("div", { class: "mk", html: mrkdwn(f.value ?? "", fmt()) })))));
  }
  if (Array.isArray(a.blocks)) el.append(renderBlocks(a.blocks, { fmt: fmt(), surface: "message" }));
  if (a.footer) el.append(h("div", { class: "attachment-footer" }, a.footer));
  return el;
}

function colour(value) {
  const named = { good: "#2eb886", warning: "#daa038", danger: "#a30200" };
  if (!value) return "#dddddd";
  return named[value] ?? (value.startsWith("#") ? value : `#${value}`);
}

function reactionsRow(m, hooks) {
  const reactions = m.reactions ?? [];
  if (!reactions.length) return null;
  const row = h("div", { class: "reactions" });
  for (const r of reactions) {
    const mine = r.users?.includes(S.me);
    const names = (r.users ?? []).map((id) => (id === S.me ? "You" : displayName(id)));
    row.append(h("button", {
      class: `reaction${mine ? " mine" : ""}`, type: "button",
      title: `${names.join(", ")} reacted with :${r.name}:`,
      dataset: { reaction: r.name },
      onclick: () => hooks.react(m, r.name, mine),
    }, h("span", { class: "emoji" }, emojiFor(r.name) ?? `:${r.name}:`), h("span", { class: "count" }, String(r.count ?? r.users?.length ?? 1))));
  }
  row.append(reactionPickerButton(m, hooks, "reaction add-reaction"));
  return row;
}

function reactionPickerButton(m, hooks, cls) {
  const wrap = h("span", { class: "picker-wrap" });
  const menu = h("div", { class: "menu emoji-menu", hidden: true });
  for (const name of QUICK_REACTIONS) {
    menu.append(h("button", {
      class: "emoji-option", type: "button", title: `:${name}:`,
      onclick: (ev) => {
        ev.stopPropagation();
        menu.hidden = true;
        const mine = (m.reactions ?? []).find((r) => r.name === name)?.users?.includes(S.me);
        hooks.react(m, name, Boolean(mine));
      },
    }, emojiFor(name)));
  }
  const button = h("button", {
    class: cls, type: "button", title: "Add reaction",
    onclick: (ev) => {
      ev.stopPropagation();
      document.querySelectorAll(".emoji-menu").forEach((other) => { if (other !== menu) other.hidden = true; });
      menu.hidden = !menu.hidden;
    },
  }, h("span", { class: "emoji" }, "☺"), h("span", { class: "plus" }, "+"));
  wrap.append(button, menu);
  return wrap;
}

function threadSummary(m, hooks) {
  const users = (m.reply_users ?? []).slice(0, 4);
  const last = m.latest_reply ? tsDate(m.latest_reply) : null;
  const tz = myTz();
  let when = "";
  if (last) {
    const rel = relativeDay(last, tz);
    when = rel ? `${rel} at ${clockTime(last, tz)}` : dayLabel(last, tz);
  }
  const n = m.reply_count;
  return h("button", { class: "thread-summary", type: "button", onclick: () => hooks.openThread(m.ts), "data-testid": "thread-summary" },
    users.map((id) => h("img", { class: "avatar avatar-xs", src: avatarUrl(id), alt: displayName(id) })),
    h("span", { class: "reply-count" }, `${n} ${n === 1 ? "reply" : "replies"}`),
    h("span", { class: "last-reply" }, when ? `Last reply ${when}` : ""),
    h("span", { class: "view-thread" }, "View thread"));
}

function deliveryStatus(m, hooks) {
  const status = m.sandbox?.delivery;
  if (!status || m.sandbox?.ephemeral || isBot(authorId(m))) return null;
  const app = S.ws?.bot?.name ?? "the app";
  if (status === "retrying") {
    return h("div", { class: "delivery delivery-retrying", "data-testid": "delivery-status" },
      h("span", { class: "spin" }, "⟳"), ` ${app} didn't answer; Slack is retrying…`);
  }
  if (status === "not_delivered") {
    return h("div", { class: "delivery delivery-failed", "data-testid": "delivery-status" },
      "⚠️ Not delivered to ", h("b", {}, app), " (it didn't answer). ",
      h("button", { class: "link-button", type: "button", "data-testid": "retry-delivery", onclick: () => hooks.retry(m) }, "Retry"));
  }
  return null;
}

function hoverBar(m, { inThread, isParent, hooks }) {
  const bar = h("div", { class: "msg-actions" });
  for (const name of ["white_check_mark", "eyes", "raised_hands"]) {
    bar.append(h("button", {
      class: "icon-button", type: "button", title: `React with :${name}:`,
      onclick: () => {
        const mine = (m.reactions ?? []).find((r) => r.name === name)?.users?.includes(S.me);
        hooks.react(m, name, Boolean(mine));
      },
    }, emojiFor(name)));
  }
  bar.append(reactionPickerButton(m, hooks, "icon-button"));
  if (!inThread || isParent) {
    if (!inThread) {
      bar.append(h("button", { class: "icon-button", type: "button", title: "Reply in thread", onclick: () => hooks.openThread(m.thread_ts ?? m.ts) }, "💬"));
    }
  }
  return bar;
}

/** Names for the composer's @ completion: the app first, then people. */
export function mentionCandidates(query) {
  const q = query.toLowerCase();
  const everyone = [...S.users.values()].filter((u) => !u.deleted);
  const matches = everyone.filter((u) => {
    const names = [u.name, u.real_name, u.profile?.display_name].filter(Boolean).map((n) => n.toLowerCase());
    return !q || names.some((n) => n.startsWith(q) || n.split(/\s+/).some((part) => part.startsWith(q)));
  });
  matches.sort((a, b) => Number(Boolean(b.is_bot)) - Number(Boolean(a.is_bot)) || (a.real_name ?? "").localeCompare(b.real_name ?? ""));
  return matches.slice(0, 8);
}

export { humanUsers, user };

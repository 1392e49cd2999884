// Slack text formatting: mrkdwn (messages, section text), standard Markdown (markdown blocks, streamed
// text), plain_text with emoji, and <!date^...> tokens shown in the viewer's time zone. Output is HTML in
// which every piece of user text has been escaped.
import { emojiFor } from "./emoji.js";

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes exactly these three in message text. */
function unescapeSlack(value) {
  return String(value).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Links open only for web and mail schemes (a javascript: URL in a message must not run). */
export function safeUrl(url) {
  const trimmed = String(url).trim();
  if (/^(https?:|mailto:|\/|#)/i.test(trimmed)) return trimmed;
  return "#";
}

function splitOnce(value, sep) {
  const at = value.indexOf(sep);
  return at < 0 ? [value, ""] : [value.slice(0, at), value.slice(at + 1)];
}

// ---- dates --------------------------------------------------------------------------------------

function ordinal(n) {
  const rest = n % 100;
  if (rest >= 11 && rest <= 13) return `${n}th`;
  return n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
}

function zonedParts(date, tz) {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz || undefined, year: "numeric", month: "long", day: "numeric", weekday: "long",
    hour: "numeric", minute: "2-digit", second: "2-digit", hour12: true,
  });
  const parts = Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
  const monthIndex = new Date(`${parts.month} 1, 2000`).getMonth();
  return {
    year: Number(parts.year), month: parts.month, monthIndex, day: Number(parts.day), weekday: parts.weekday,
    hour: parts.hour, minute: parts.minute, second: parts.second, dayPeriod: parts.dayPeriod,
  };
}

function dayKey(p) {
  return p.year * 10000 + (p.monthIndex + 1) * 100 + p.day;
}

/** today / yesterday / tomorrow in `tz`, or null. */
export function relativeDay(date, tz, now = new Date()) {
  const key = dayKey(zonedParts(date, tz));
  for (const [offset, word] of [[0, "today"], [-1, "yesterday"], [1, "tomorrow"]]) {
    if (dayKey(zonedParts(new Date(now.getTime() + offset * 86400000), tz)) === key) return word;
  }
  return null;
}

function ago(date, now = new Date()) {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const units = [[31536000, "year"], [2592000, "month"], [86400, "day"], [3600, "hour"], [60, "minute"]];
  for (const [size, name] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const phrase = `${n} ${name}${n === 1 ? "" : "s"}`;
      return seconds >= 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  return seconds >= 0 ? "just now" : "in a few seconds";
}

/** A Slack date format string ("{date_short_pretty} at {time}") for an epoch, in `tz`. */
export function formatSlackDate(epoch, format, tz, now = new Date()) {
  const date = new Date(Number(epoch) * 1000);
  const p = zonedParts(date, tz);
  const short = p.month.slice(0, 3);
  const mm = String(p.monthIndex + 1).padStart(2, "0");
  const dd = String(p.day).padStart(2, "0");
  const values = {
    date_num: `${p.year}-${mm}-${dd}`,
    date: `${p.month} ${ordinal(p.day)}, ${p.year}`,
    date_short: `${short} ${p.day}, ${p.year}`,
    date_long: `${p.weekday}, ${p.month} ${ordinal(p.day)}, ${p.year}`,
    time: `${p.hour}:${p.minute} ${p.dayPeriod}`,
    time_secs: `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`,
    ago: ago(date, now),
  };
  const rel = relativeDay(date, tz, now);
  values.date_pretty = rel ?? values.date;
  values.date_short_pretty = rel ?? values.date_short;
  values.date_long_pretty = rel ?? values.date_long;
  return String(format).replace(/\{(\w+)\}/g, (m, key) => values[key] ?? m);
}

/** "10:42 AM" in `tz`. */
export function clockTime(date, tz) {
  return new Intl.DateTimeFormat("en-US", { timeZone: tz || undefined, hour: "numeric", minute: "2-digit" })
    .format(date);
}

/** "Monday, November 3rd" (or Today / Yesterday), the day divider of a message list. */
export function dayLabel(date, tz, now = new Date()) {
  const rel = relativeDay(date, tz, now);
  if (rel === "today" || rel === "yesterday") return rel[0].toUpperCase() + rel.slice(1);
  const p = zonedParts(date, tz);
  const nowYear = zonedParts(now, tz).year;
  return `${p.weekday}, ${p.month} ${ordinal(p.day)}${p.year === nowYear ? "" : `, ${p.year}`}`;
}

export function fullDate(date, tz) {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: tz || undefined, dateStyle: "full", timeStyle: "long",
  }).format(date);
}

// ---- tokens -------------------------------------------------------------------------------------

function dateToken(target, fallback, ctx) {
  const [, epoch, format = "{date}", link] = target.split("^");
  if (!/^\d+$/.test(epoch ?? "")) return escapeHtml(fallback || target);
  const shown = escapeHtml(formatSlackDate(epoch, format, ctx.tz));
  const title = escapeHtml(fullDate(new Date(Number(epoch) * 1000), ctx.tz));
  const inner = link ? `<a href="${escapeHtml(safeUrl(link))}" target="_blank" rel="noopener">${shown}</a>` : shown;
  return `<time class="mk-date" datetime="${new Date(Number(epoch) * 1000).toISOString()}" title="${title}">${inner}</time>`;
}

/** One <...> token of Slack text: a user, channel, special mention, date or link. */
function token(inner, ctx) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = ctx.userName?.(id) ?? (label || id);
    const self = id === ctx.me ? " mention-self" : "";
    return `<span class="mention${self}" data-user="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = ctx.channelName?.(id) ?? (label || id);
    return `<span class="channel-link" data-channel="${escapeHtml(id)}">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("!")) {
    const command = target.slice(1);
    if (["here", "channel", "everyone"].includes(command)) {
      return `<span class="mention mention-broadcast">@${command}</span>`;
    }
    if (command.startsWith("subteam^")) {
      return `<span class="mention">${escapeHtml(label || "@group")}</span>`;
    }
    if (command.startsWith("date^")) return dateToken(command, unescapeSlack(label), ctx);
    return escapeHtml(unescapeSlack(label || command));
  }
  const url = unescapeSlack(target);
  const text = label ? unescapeSlack(label) : url.replace(/^mailto:/i, "");
  return `<a href="${escapeHtml(safeUrl(url))}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
}

// ---- shared machinery ---------------------------------------------------------------------------

/** Pieces already turned into HTML are parked as \u0000n\u0000 so later passes leave them alone. */
class Slots {
  constructor() {
    this.items = [];
  }
  hold(html) {
    this.items.push(html);
    return `\u0000${this.items.length - 1}\u0000`;
  }
  restore(text) {
    let out = text;
    // Slots can contain slots (a bold link); a few passes resolve any nesting the formatters produce.
    for (let i = 0; i < 4 && out.includes("\u0000"); i += 1) {
      out = out.replace(/\u0000(\d+)\u0000/g, (_, n) => this.items[Number(n)]);
    }
    return out;
  }
}

function emojify(html) {
  return html.replace(/:([a-z0-9_+\-']+(?:::skin-tone-\d)?):/g, (m, name) => {
    const char = emojiFor(name);
    return char ? `<span class="emoji" title=":${name}:">${char}</span>` : m;
  });
}

function wrap(html, marker, tag) {
  const m = marker.replace(/[*~]/g, "\\$&");
  const re = new RegExp(`(^|[^\\w${m}])${m}(?!\\s)([^\\n]*?[^\\s${m}]|[^\\s${m}])${m}(?![\\w${m}])`, "g");
  return html.replace(re, (_, before, body) => `${before}<${tag}>${body}</${tag}>`);
}

function blockLines(html) {
  const out = [];
  let quote = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote class="mk-quote">${quote.join("<br>")}</blockquote>`);
    quote = [];
  };
  const rows = html.split("\n");
  rows.forEach((line, i) => {
    const q = line.match(/^&gt;\s?(.*)$/);
    if (q) {
      quote.push(q[1]);
      return;
    }
    flush();
    const bullet = line.match(/^(\s*)(?:[•◦▪‣]|[-*+])\s+(.*)$/);
    const numbered = line.match(/^(\s*)(\d{1,3})[.)]\s+(.*)$/);
    if (bullet || numbered) {
      const [, indent, ...rest] = bullet ?? numbered;
      const mark = bullet ? (indent.length >= 2 ? "◦" : "•") : `${rest[0]}.`;
      const text = bullet ? rest[0] : rest[1];
      const level = Math.min(4, Math.floor(indent.length / 2));
      out.push(`<div class="mk-li" style="--level:${level}"><span class="mk-bullet">${mark}</span><span>${text}</span></div>`);
      return;
    }
    out.push(line + (i < rows.length - 1 ? "<br>" : ""));
  });
  flush();
  return out.join("");
}

// ---- public renderers ---------------------------------------------------------------------------

/** Slack mrkdwn to HTML. `inline` keeps it to one paragraph (button labels, context lines). */
export function mrkdwn(text, ctx = {}, { inline = false } = {}) {
  const slots = new Slots();
  let s = String(text ?? "");
  s = s.replace(/```\n?([\s\S]*?)```/g, (_, code) =>
    slots.hold(`<pre class="mk-pre">${escapeHtml(unescapeSlack(code.replace(/\n$/, "")))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => slots.hold(`<code class="mk-code">${escapeHtml(unescapeSlack(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => slots.hold(token(inner, ctx)));
  s = escapeHtml(unescapeSlack(s));
  s = wrap(s, "*", "b");
  s = wrap(s, "_", "i");
  s = wrap(s, "~", "s");
  s = emojify(s);
  s = inline ? s.replace(/\n/g, " ") : blockLines(s);
  return slots.restore(s);
}

/** Standard Markdown (markdown blocks, markdown_text, streamed answers) to HTML. */
export function markdown(text, ctx = {}) {
  const slots = new Slots();
  let s = String(text ?? "");
  s = s.replace(/```[\w-]*\n?([\s\S]*?)```/g, (_, code) => slots.hold(`<pre class="mk-pre">${escapeHtml(code.replace(/\n$/, ""))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => slots.hold(`<code class="mk-code">${escapeHtml(code)}</code>`));
  s = s.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_, label, url) =>
    slots.hold(`<a href="${escapeHtml(safeUrl(url))}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`));
  s = s.replace(/<([@#!][^<>\n]+|https?:[^<>\s]+)>/g, (_, inner) => slots.hold(token(inner, ctx)));
  s = s.replace(/\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g, (url) =>
    slots.hold(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`));
  s = escapeHtml(s);
  s = s.replace(/\*\*(?!\s)([^\n]*?\S)\*\*/g, "<b>$1</b>").replace(/__(?!\s)([^\n]*?\S)__/g, "<b>$1</b>");
  s = wrap(s, "*", "i");
  s = wrap(s, "_", "i");
  s = s.replace(/~~(?!\s)([^\n]*?\S)~~/g, "<s>$1</s>");
  s = emojify(s);
  s = s.replace(/^(#{1,6})\s+(.*)$/gm, (_, hashes, title) =>
    slots.hold(`<div class="md-h md-h${hashes.length}">${title}</div>`));
  // Headings are blocks of their own, so the line break after one would add a gap.
  return slots.restore(blockLines(s)).replace(/(<\/div>)<br>/g, "$1");
}

/** A plain_text object: escaped, with :emoji: when `emoji` is not false. */
export function plainText(obj) {
  if (obj == null) return "";
  if (typeof obj === "string") return escapeHtml(obj);
  const html = escapeHtml(obj.text ?? "");
  return obj.emoji === false ? html : emojify(html);
}

/** Any text object: mrkdwn or plain_text. */
export function textObject(obj, ctx, options = {}) {
  if (obj == null) return "";
  if (typeof obj === "string") return mrkdwn(obj, ctx, options);
  if (obj.type === "mrkdwn") return obj.verbatim ? escapeHtml(obj.text ?? "") : mrkdwn(obj.text, ctx, options);
  return plainText(obj);
}

// What the page knows: the workspace, who you are acting as, where you are, and transient notices.

const ACTING_AS_KEY = "sandbox.actingAs";

export const S = {
  ws: null,               // /sandbox/workspace
  users: new Map(),       // id -> users.info-shaped user (the app included)
  me: null,               // the demo user the page acts as
  channels: [],           // the sidebar's conversations for `me`
  current: null,          // {type: "channel", id} | {type: "app", tab: "home" | "messages" | "about"}
  appDm: null,            // the DM between `me` and the app
  thread: null,           // {channel, ts} of the open thread panel
  unread: new Set(),      // conversations with news since `me` last looked
  notices: new Map(),     // message ts -> text shown under it (a click the app did not answer, ...)
  local: [],              // client-side notices (a failed slash command), shown as ephemeral messages
  modal: null,            // {view, stack, errors}
};

export function storedActingAs() {
  try {
    return localStorage.getItem(ACTING_AS_KEY);
  } catch {
    return null;
  }
}

export function storeActingAs(id) {
  try {
    localStorage.setItem(ACTING_AS_KEY, id);
  } catch {
    // Private windows may refuse storage; the choice then lasts until reload.
  }
}

export function user(id) {
  return S.users.get(id) ?? null;
}

export function isBot(id) {
  return id === S.ws?.bot?.user_id || Boolean(user(id)?.is_bot);
}

/** The name Slack shows in message headers and mentions (full names for people, the app's name). */
export function displayName(id) {
  if (id === "USLACKBOT") return "Slackbot";
  const u = user(id);
  if (!u) return id;
  if (u.is_bot) return u.profile?.display_name || u.real_name || u.name;
  return u.real_name || u.profile?.display_name || u.name;
}

export function avatarUrl(id) {
  return `/sandbox/avatars/${encodeURIComponent(id)}.svg`;
}

export function myTz() {
  return user(S.me)?.tz;
}

export function channel(id) {
  return S.channels.find((c) => c.id === id) ?? null;
}

export function channelName(id) {
  const c = channel(id);
  if (!c) return id;
  if (c.is_im) return displayName(c.user);
  return c.name;
}

/** The formatting context every renderer takes. */
export function fmt() {
  return {
    userName: (id) => (S.users.has(id) ? displayName(id) : null),
    channelName: (id) => (channel(id)?.name ?? null),
    tz: myTz(),
    me: S.me,
  };
}

/** The conversation the main pane shows (the app's DM on its Messages tab). */
export function currentChannelId() {
  if (!S.current) return null;
  if (S.current.type === "channel") return S.current.id;
  return S.current.tab === "messages" ? S.appDm : null;
}

export function humanUsers() {
  return [...S.users.values()].filter((u) => !u.is_bot && !u.deleted);
}

// The driver API (/sandbox/...) as the page uses it. Every call acts as, or reads for, one demo user.

export class ApiError extends Error {
  constructor(code, body) {
    super(code);
    this.code = code;
    this.body = body;
  }
}

export async function call(path, { method = "GET", body, params } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value != null) url.searchParams.set(key, value);
  }
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  let data;
  try {
    data = await response.json();
  } catch {
    data = { ok: false, error: `http_${response.status}` };
  }
  if (!data.ok) throw new ApiError(data.error ?? "unknown_error", data);
  return data;
}

const enc = encodeURIComponent;

export const api = {
  workspace: () => call("/sandbox/workspace"),
  conversations: (user) => call("/sandbox/conversations", { params: { user } }),
  messages: (channel, user) => call(`/sandbox/conversations/${enc(channel)}/messages`, { params: { user } }),
  thread: (channel, ts, user) => call(`/sandbox/conversations/${enc(channel)}/threads/${enc(ts)}`, { params: { user } }),
  modal: (user) => call(`/sandbox/users/${enc(user)}/modal`),
  home: (user) => call(`/sandbox/users/${enc(user)}/home`),
  assistant: (channel, ts) => call(`/sandbox/assistant/${enc(channel)}/${enc(ts)}`),
  post: (body) => call("/sandbox/messages", { method: "POST", body }),
  react: (body) => call("/sandbox/reactions", { method: "POST", body }),
  click: (body) => call("/sandbox/actions", { method: "POST", body }),
  viewAction: (viewId, body) => call(`/sandbox/views/${enc(viewId)}/actions`, { method: "POST", body }),
  submit: (viewId, body) => call(`/sandbox/views/${enc(viewId)}/submit`, { method: "POST", body }),
  close: (viewId, body) => call(`/sandbox/views/${enc(viewId)}/close`, { method: "POST", body }),
  command: (body) => call("/sandbox/commands", { method: "POST", body }),
  appHome: (body) => call("/sandbox/app_home", { method: "POST", body }),
  openDm: (body) => call("/sandbox/dms", { method: "POST", body }),
  retry: (channel, ts) => call(`/sandbox/conversations/${enc(channel)}/messages/${enc(ts)}/retry`, { method: "POST", body: {} }),
};

// The hub's REST facade as the console uses it: every request carries the signed-in caller's own key, so the hub
// decides what each page may see exactly as it does for any other client.
const KEY = 'hub.console.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
};

export class HubError extends Error {
  constructor(status, body) {
    const reason = body?.details?.find(d => d.reason)?.reason;
    super(body?.message ? `${body.message}${reason ? ` (${reason})` : ''}` : `HTTP ${status}`);
    this.status = status;
    this.reason = reason;
  }
}

/** One REST call; resolves to the JSON body or throws HubError with the hub's message. */
export async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (session.key) headers.authorization = `Bearer ${session.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = null;
  }
  if (!response.ok) throw new HubError(response.status, json);
  return json;
}

export const get = (path, query) => {
  const params = new URLSearchParams(Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  return call('GET', params.size ? `${path}?${params}` : path);
};
export const post = (path, body) => call('POST', path, body);

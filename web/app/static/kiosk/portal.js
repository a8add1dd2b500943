// portal.js: JSON calls from the signed-in pages (session cookie and CSRF
// token), and small helpers shared by the face pages of the staff portal.

/** PortalError is the server's refusal, with its ErrorDetail. */
export class PortalError extends Error {
  constructor(status, detail) {
    super(detail?.message || `HTTP ${status}`);
    this.status = status;
    this.detail = detail || {};
  }
}

/** call sends a JSON request as the signed-in staff member and returns the answer's JSON. */
export async function call(method, path, body) {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
  const headers = { Accept: 'application/json', 'X-CSRF-Token': csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch (e) {
    throw new PortalError(0, { message: 'サーバーに接続できません。', message_en: 'Cannot reach the server.' });
  }
  const data = resp.status === 204 ? {} : await resp.json().catch(() => ({}));
  if (!resp.ok) throw new PortalError(resp.status, data.error);
  return data;
}

/** say writes a Japanese message with its English beside it into el. */
export function say(el, ja, en = '', kind = '') {
  el.textContent = ja;
  if (en) {
    const s = document.createElement('small');
    s.lang = 'en';
    s.textContent = en;
    el.append(' ', s);
  }
  el.dataset.kind = kind;
}

/** sayError shows err (a PortalError or any error) in el. */
export function sayError(el, err) {
  say(el, err.detail?.message || err.message, err.detail?.message_en || '', 'error');
}

/** when formats an RFC 3339 instant as Tokyo date and time. */
export function when(s) {
  if (!s) return '';
  return new Date(s).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

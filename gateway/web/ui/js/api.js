// The gateway's HTTP/JSON API (docs/gateway-api.md): fetch with the session
// cookie, the CSRF header on state-changing calls, and ApiError for every
// non-2xx answer. One module-level session.

import { parseErrorBody, ApiError } from './errors.js';

let csrfToken = '';
let onUnauthenticated = null;

// Sets the CSRF token from a sign-in or session answer ('' after sign-out).
export function setCsrf(token) {
  csrfToken = token || '';
}

// Registers the handler called when a data call answers 401 (session gone).
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

// Builds "/api/v1/<path>?k=v" leaving out empty values.
export function apiUrl(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') qs.append(k, String(v));
  }
  const q = qs.toString();
  return `/api/v1/${path.replace(/^\//, '')}${q ? `?${q}` : ''}`;
}

// Sends one request. Returns the parsed JSON (null for 204 or an empty
// body). Throws ApiError (HTTP error answer) or TypeError (network).
// `opts.quiet401` stops the global 401 handler (sign-in calls).
export async function request(method, path, { params, body, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-Datarun-CSRF'] = csrfToken;
  const resp = await fetch(apiUrl(path, params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await resp.text();
  if (!resp.ok) {
    const err = parseErrorBody(resp.status, text);
    if (resp.status === 401 && !quiet401 && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(resp.status, 'INTERNAL', `the gateway answered ${resp.status} with a body that is not JSON`);
  }
}

export const get = (path, params, opts) => request('GET', path, { params, ...opts });
export const post = (path, body, opts) => request('POST', path, { body: body || {}, ...opts });
export const del = (path, opts) => request('DELETE', path, opts);

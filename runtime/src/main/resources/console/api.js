// The public REST API, as the console uses it: a JWT from sessionStorage, problem+json errors as Error(detail).
const TOKEN = 'chis.token';
const EMAIL = 'chis.email';

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  email: () => sessionStorage.getItem(EMAIL),
  save(token, email) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(EMAIL, email);
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(EMAIL);
  },
};

let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Is Chis running?');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const detail = (json && (json.detail || json.title)) || `${response.status} ${response.statusText}`;
    if (response.status === 401 && token) onUnauthorized(detail);
    throw new ApiError(response.status, detail);
  }
  return json;
}

export const chis = {
  login: (email, password) => api('POST', '/auth/login', { email, password }),
  register: (account) => api('POST', '/auth/register', account),
  messages: ({ status, eventType, cursor, limit = 25 } = {}) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (status) q.set('status', status);
    if (eventType) q.set('eventType', eventType);
    if (cursor) q.set('cursor', cursor);
    return api('GET', `/webhook/messages?${q}`);
  },
  message: (id) => api('GET', `/webhook/messages/${encodeURIComponent(id)}`),
  replay: (id) => api('POST', `/webhook/messages/${encodeURIComponent(id)}/retry`),
  stats: () => api('GET', '/webhook/stats'),
  endpoints: () => api('GET', '/api/endpoints'),
  endpoint: (id) => api('GET', `/api/endpoints/${encodeURIComponent(id)}`),
  createEndpoint: (body) => api('POST', '/api/endpoints', body),
  replaceEndpoint: (id, body) => api('PUT', `/api/endpoints/${encodeURIComponent(id)}`, body),
  rotateEndpointSecret: (id) => api('POST', `/api/endpoints/${encodeURIComponent(id)}/rotate-secret`),
  apiKeys: () => api('GET', '/api/api-keys'),
  createApiKey: (name) => api('POST', '/api/api-key/create', { name }),
  revokeApiKey: (id) => api('DELETE', `/api/api-keys/${encodeURIComponent(id)}`),
};

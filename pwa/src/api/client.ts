// The one module that calls fetch. Components and the outbox go through here.
import { ApiError, NetworkError, parseRetryAfter } from './errors';
import { getSession, setSession, updateTokens } from './tokens';
import { noteReachable } from '../offline/online';
import type { AuthTokens, Problem } from './types';

export const API_BASE = '/api/v1';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | readonly (string | number)[] | undefined | null>;
  body?: unknown;
  form?: FormData;
  idempotencyKey?: string;
  /** false: send no Authorization header and do not try to refresh (login, register). */
  auth?: boolean;
  signal?: AbortSignal;
}

type AuthLostListener = () => void;
const authLost = new Set<AuthLostListener>();
/** Called when the access token was refused and refreshing failed: ask for login. */
export function onAuthLost(fn: AuthLostListener): () => void {
  authLost.add(fn);
  return () => authLost.delete(fn);
}

function url(path: string, query?: RequestOptions['query']): string {
  let u = API_BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      // Lists go comma-separated (the document's `style: form, explode: false`).
      const value = Array.isArray(v) ? v.join(',') : v;
      if (value !== undefined && value !== null && value !== '') qs.set(k, String(value));
    }
    const s = qs.toString();
    if (s) u += '?' + s;
  }
  return u;
}

async function rawFetch(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  try {
    const res = await fetch(url(path, opts.query), { method, headers, body, signal: opts.signal, credentials: 'same-origin' });
    noteReachable(true);
    return res;
  } catch (e) {
    // A request the app cancelled says nothing about the network.
    if (!(e instanceof DOMException && e.name === 'AbortError')) noteReachable(false);
    throw new NetworkError(e);
  }
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const text = await res.text();
    const p = text ? (JSON.parse(text) as Problem) : {};
    return { status: res.status, ...p };
  } catch {
    return { status: res.status, title: res.statusText };
  }
}

let refreshing: Promise<boolean> | null = null;
const REFRESH_LOCK = 'linli-auth-refresh';
const LEASE_KEY = 'linli.refreshing';
const LEASE_MS = 10_000;

/**
 * Run `fn` while no other tab of the app refreshes: the server revokes a refresh token once
 * used, so two tabs refreshing with the same one would sign each other out. Web Locks where
 * the browser has them; otherwise a short lease in localStorage (best effort).
 */
async function acrossTabs<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks?.request) return locks.request(REFRESH_LOCK, () => fn());
  let st: Storage | null = null;
  try {
    st = globalThis.localStorage ?? null;
  } catch {
    st = null;
  }
  if (!st) return fn();
  const me = Math.random().toString(36).slice(2);
  const deadline = Date.now() + LEASE_MS;
  for (;;) {
    const held = Number(st.getItem(LEASE_KEY)?.split(' ')[1] ?? 0);
    if (held < Date.now() || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100)); // another tab is refreshing; it takes one request
  }
  st.setItem(LEASE_KEY, `${me} ${Date.now() + LEASE_MS}`);
  try {
    return await fn();
  } finally {
    if (st.getItem(LEASE_KEY)?.startsWith(me + ' ')) st.removeItem(LEASE_KEY);
  }
}

/**
 * New tokens after `failedToken` (the access token the server refused) was refused; true
 * when there are some. One refresh at a time in this tab and across tabs: a tab that finds
 * the stored tokens already changed (another tab refreshed) takes those instead.
 * Network trouble → NetworkError.
 */
export function refreshTokens(failedToken?: string | null): Promise<boolean> {
  if (!refreshing) {
    refreshing = acrossTabs(async () => {
      const s = getSession(); // read inside the lock: the other tab may have just stored new ones
      if (!s?.refresh_token) return false;
      if (failedToken && s.access_token !== failedToken) return true;
      const res = await rawFetch('POST', '/auth/refresh', {}, s.refresh_token);
      if (res.status >= 500 || res.status === 429 || res.status === 408) {
        throw new ApiError(res.status, await problemOf(res), parseRetryAfter(res.headers.get('Retry-After')));
      }
      if (!res.ok) {
        // Refused; unless a tab without the lock stored newer tokens meanwhile.
        const now = getSession();
        return !!now && now.refresh_token !== s.refresh_token;
      }
      updateTokens((await res.json()) as AuthTokens);
      return true;
    }).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const useAuth = opts.auth !== false;
  const token = useAuth ? (getSession()?.access_token ?? null) : null;
  let res = await rawFetch(method, path, opts, token);
  if (res.status === 401 && useAuth && token) {
    if (await refreshTokens(token)) res = await rawFetch(method, path, opts, getSession()?.access_token ?? null);
    if (res.status === 401) for (const fn of authLost) fn();
  }
  if (!res.ok) {
    throw new ApiError(res.status, await problemOf(res), parseRetryAfter(res.headers.get('Retry-After')));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An attachment's bytes (its URL needs the Authorization header, so no plain <img src>). */
export async function fetchBlob(absoluteUrl: string): Promise<Blob> {
  const path = absoluteUrl.startsWith(API_BASE) ? absoluteUrl.slice(API_BASE.length) : absoluteUrl;
  const token = getSession()?.access_token ?? null;
  let res = await rawFetch('GET', path, {}, token);
  if (res.status === 401 && token && (await refreshTokens(token))) {
    res = await rawFetch('GET', path, {}, getSession()?.access_token ?? null);
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return res.blob();
}

export interface FetchedFile {
  blob: Blob;
  /** From Content-Disposition (`filename*` first); '' when the server names none. */
  filename: string;
}

/** `filename*=UTF-8''…` (RFC 6266) if present, else the plain `filename="…"`. */
export function dispositionName(header: string | null): string {
  if (!header) return '';
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // a malformed escape: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  return plain ? (plain[2] ?? plain[1]).trim() : '';
}

/** A download (an export): the bytes and the file name, with the Authorization header. */
export async function fetchFile(path: string, query: RequestOptions['query']): Promise<FetchedFile> {
  const opts: RequestOptions = { query };
  const token = getSession()?.access_token ?? null;
  let res = await rawFetch('GET', path, opts, token);
  if (res.status === 401 && token) {
    if (await refreshTokens(token)) res = await rawFetch('GET', path, opts, getSession()?.access_token ?? null);
    if (res.status === 401) for (const fn of authLost) fn();
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res), parseRetryAfter(res.headers.get('Retry-After')));
  return { blob: await res.blob(), filename: dispositionName(res.headers.get('Content-Disposition')) };
}

/** An upload's progress: the share sent (0–1), then `sent` true while the server works on it. */
export interface UploadProgress {
  fraction: number;
  sent: boolean;
}

function xhrOnce(path: string, form: FormData, token: string | null, onProgress: (p: UploadProgress) => void): Promise<XMLHttpRequest> {
  // XMLHttpRequest, not fetch: only it reports how much of a large file has gone up.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API_BASE + path);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress({ fraction: e.lengthComputable ? e.loaded / e.total : 0, sent: false });
    xhr.upload.onload = () => onProgress({ fraction: 1, sent: true });
    xhr.onload = () => {
      noteReachable(true);
      resolve(xhr);
    };
    xhr.onerror = () => {
      noteReachable(false);
      reject(new NetworkError(new Error('upload failed')));
    };
    xhr.send(form);
  });
}

function problemOfXhr(xhr: XMLHttpRequest): Problem {
  try {
    return { status: xhr.status, ...(xhr.responseText ? (JSON.parse(xhr.responseText) as Problem) : {}) };
  } catch {
    return { status: xhr.status, title: xhr.statusText };
  }
}

/** POST a multipart form reporting upload progress; the JSON answer, or ApiError / NetworkError. */
export async function upload<T>(path: string, form: FormData, onProgress: (p: UploadProgress) => void): Promise<T> {
  const token = getSession()?.access_token ?? null;
  let xhr = await xhrOnce(path, form, token, onProgress);
  if (xhr.status === 401 && token) {
    if (await refreshTokens(token)) xhr = await xhrOnce(path, form, getSession()?.access_token ?? null, onProgress);
    if (xhr.status === 401) for (const fn of authLost) fn();
  }
  if (xhr.status < 200 || xhr.status >= 300) {
    throw new ApiError(xhr.status, problemOfXhr(xhr), parseRetryAfter(xhr.getResponseHeader('Retry-After')));
  }
  return JSON.parse(xhr.responseText) as T;
}

/** Forget the session locally; tell the server when we can (best effort). */
export async function logoutRemote(): Promise<void> {
  const s = getSession();
  if (!s) return;
  try {
    await rawFetch('POST', '/auth/logout', { body: { refresh_token: s.refresh_token } }, s.access_token);
  } catch {
    // Offline logout still clears the device; the refresh token expires on its own.
  }
  setSession(null);
}

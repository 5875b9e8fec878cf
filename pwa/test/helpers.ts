import { afterEach, beforeEach, vi } from 'vitest';
import { setSession, resetSessionCache } from '../src/api/tokens';
import { selectUserDb, closeDb } from '../src/offline/db';
import type { Case, User } from '../src/api/types';
import { setLocale } from '../src/i18n';
import { configureSync, stopSyncTriggers, syncPaused } from '../src/offline/sync';

export function user(id: number, role: User['role'] = 'resident'): User {
  return { id, username: `u${id}`, display_name: `User ${id}`, role, org_id: 10, provider_id: null, phone: null, active: true, must_change_password: false };
}

let lastId = 1_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
/** A user id (and so a database name) no other test has used. */
export function uniqueId(): number {
  return ++lastId;
}

/** Sign a user in with a database name no other test has used. */
export function signIn(id: number = uniqueId(), token = 'access-1') {
  resetSessionCache();
  setSession({ access_token: token, refresh_token: 'refresh-1', user: user(id) });
  selectUserDb(id);
  return id;
}

export function signOut() {
  closeDb();
  setSession(null);
}

/**
 * For each test of the calling file: a fresh user signed in and sync running (no locks, fixed
 * jitter); afterwards sync stopped, signed out, global stubs removed and the locale reset.
 */
export function signedInWithSync() {
  beforeEach(() => {
    syncPaused.value = false;
    configureSync({ locks: () => undefined, random: () => 0.5 });
    signIn();
  });
  afterEach(() => {
    stopSyncTriggers();
    signOut();
    vi.unstubAllGlobals();
    setLocale('zh-CN');
  });
}

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Responder = (call: Call) => Response | Promise<Response> | 'network-error';

/** Stub global fetch; `routes` answer in order of matching, falling back to `fallback`. */
export function mockFetch(responder: Responder) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init?.headers as Record<string, string>) ?? {})) headers[k.toLowerCase()] = v;
    let body: unknown = init?.body;
    if (typeof body === 'string') body = JSON.parse(body);
    const call: Call = { method: init?.method ?? 'GET', url: String(input), headers, body };
    calls.push(call);
    const r = await responder(call);
    if (r === 'network-error') throw new TypeError('Failed to fetch');
    return r;
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

export function caseBody(id: string, extra: Partial<Case> = {}): Case {
  return {
    id,
    reference: 'LL-1',
    category: 'facility',
    title: 't',
    description: 'd',
    org_id: 10,
    org_name: 'g',
    address: '',
    lat: null,
    lon: null,
    location_accuracy: null,
    building_id: null,
    building_name: null,
    household_label: null,
    priority: 'normal',
    channel: 'app',
    state: 'submitted',
    version: 1,
    escalation_level: 'grid',
    cycle: 1,
    accept_due_at: null,
    resolve_due_at: null,
    accepted_at: null,
    overdue: false,
    unmet_need: false,
    co_tasks: [],
    extra: [],
    provider_id: null,
    provider_name: null,
    provider_contact: null,
    reporter: null,
    household_id: null,
    supporters: 0,
    created_at: '2026-11-27T03:00:00Z',
    updated_at: '2026-11-27T03:00:00Z',
    resolved_at: null,
    closed_at: null,
    withdrawn_at: null,
    rating_due_at: null,
    appeal_due_at: null,
    allowed_actions: [],
    may_rate: false,
    rating: null,
    attachments: [],
    ...extra,
  };
}

// Typed endpoints (reads and auth). Writes go through src/offline/outbox.ts.
import { request } from './client';
import type {
  Building,
  Case,
  CaseEvent,
  CaseListArgs,
  Category,
  LoginBody,
  LoginResponse,
  Notification,
  Org,
  Page,
  Provider,
  RegisterBody,
  SimilarCase,
  User,
  Visit,
} from './types';

const enc = encodeURIComponent;

export const api = {
  login: (body: LoginBody) => request<LoginResponse>('POST', '/auth/login', { body, auth: false }),
  register: (body: RegisterBody) => request<LoginResponse>('POST', '/auth/register', { body, auth: false }),
  me: () => request<User>('GET', '/me'),
  orgs: (parentId?: string | number) => request<Org[]>('GET', '/orgs', { query: { parent_id: parentId } }),
  buildings: (gridId: string | number) => request<Building[]>('GET', `/orgs/${enc(String(gridId))}/buildings`),
  categories: () => request<Category[]>('GET', '/categories'),
  providers: (category: string, orgId: string | number) =>
    request<Provider[]>('GET', '/providers', { query: { category, org_id: orgId } }),
  cases: (args: CaseListArgs = {}) =>
    request<Page<Case>>('GET', '/cases', { query: { ...args, mine: args.mine ? 'true' : undefined } }),
  similar: (category: string, orgId: string | number) =>
    request<SimilarCase[]>('GET', '/cases/similar', { query: { category, org_id: orgId } }),
  case: (id: string) => request<Case>('GET', `/cases/${enc(id)}`),
  events: (id: string) => request<{ items: CaseEvent[] }>('GET', `/cases/${enc(id)}/events`),
  visits: (gridId: string | number, since?: string) =>
    request<{ items: Visit[] }>('GET', '/visits', { query: { grid_id: gridId, since } }),
  notifications: () => request<{ items: Notification[] } | Notification[]>('GET', '/notifications'),
};

export { ApiError, NetworkError } from './errors';
export { onAuthLost, request, refreshTokens, logoutRemote, fetchBlob } from './client';
export * from './tokens';
export type * from './types';

// The operations console's calls: online only (an administrative change is made, and its
// answer read, while the admin looks at it; nothing queues in the outbox).
import { request, type Org, type User } from '../../api';
import type { components, paths } from '../../api/schema';

type S = components['schemas'];
export type UserPage = S['UserPage'];
export type UserCreate = S['UserCreateIn'];
export type UserPatch = S['UserPatch'];
export type ManagedProvider = S['ProviderLoadOut'];
export type AuditRecord = S['AuditRecordOut'];
export type AuditListArgs = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;
export type UserListArgs = NonNullable<paths['/api/v1/users']['get']['parameters']['query']>;

export const consoleApi = {
  users: (args: UserListArgs = {}) => request<UserPage>('GET', '/users', { query: { ...args } }),
  createUser: (body: UserCreate) => request<User>('POST', '/users', { body }),
  updateUser: (id: number, body: UserPatch) => request<User>('PATCH', `/users/${id}`, { body }),
  resetPassword: (id: number) =>
    request<{ one_time_password: string }>('POST', `/users/${id}/password-reset`),
  /** The whole tree, deactivated nodes too. */
  orgs: () => request<Org[]>('GET', '/orgs', { query: { include_inactive: true } }),
  createOrg: (body: S['OrgIn']) => request<Org>('POST', '/orgs', { body }),
  updateOrg: (id: number, body: S['OrgPatch']) => request<Org>('PATCH', `/orgs/${id}`, { body }),
  createProvider: (body: S['ProviderIn']) => request<ManagedProvider>('POST', '/providers', { body }),
  updateProvider: (id: number, body: S['ProviderPatch']) =>
    request<ManagedProvider>('PATCH', `/providers/${id}`, { body }),
  audit: (args: AuditListArgs = {}) => request<S['AuditPage']>('GET', '/audit', { query: { ...args } }),
  providers: () => request<ManagedProvider[]>('GET', '/providers/administered'),
};

// The operations console's calls: online only (an administrative change is made, and its
// answer read, while the admin looks at it; nothing queues in the outbox).
import { request, type Category, type Org, type User } from '../../api';
import type { components, paths } from '../../api/schema';

type S = components['schemas'];
export type UserPage = S['UserPage'];
export type UserCreate = S['UserCreateIn'];
export type UserPatch = S['UserPatch'];
export type ManagedProvider = S['ProviderLoadOut'];
export type AuditRecord = S['AuditRecordOut'];
export type AuditListArgs = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;
export type SlaPolicy = S['SlaPolicyOut'];
export type CategoryField = S['Field'];
export type CalendarYear = S['CalendarYearOut'];
export type CalendarDay = S['CalendarDayOut'];
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
  /** Every category, deactivated ones too, with its extra questions. */
  categories: () => request<Category[]>('GET', '/categories', { query: { include_inactive: true } }),
  createCategory: (body: S['CategoryIn']) => request<Category>('POST', '/categories', { body }),
  updateCategory: (code: string, body: S['CategoryPatch']) =>
    request<Category>('PATCH', `/categories/${encodeURIComponent(code)}`, { body }),
  slaPolicies: () => request<SlaPolicy[]>('GET', '/sla-policies'),
  setSlaPolicy: (body: S['SlaPolicyIn']) => request<SlaPolicy>('PUT', '/sla-policies', { body }),
  calendar: (year: number) => request<CalendarYear>('GET', '/calendar', { query: { year } }),
  setCalendarDay: (day: string, body: S['CalendarDayIn']) =>
    request<CalendarDay>('PUT', `/calendar/days/${day}`, { body }),
  removeCalendarDay: (day: string) => request<void>('DELETE', `/calendar/days/${day}`),
  importNationalYear: (year: number) =>
    request<S['NationalImportOut']>('POST', '/calendar/national-import', { body: { year } }),
};

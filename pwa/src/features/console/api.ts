// The operations console's calls: online only (an administrative change is made, and its
// answer read, while the admin looks at it; nothing queues in the outbox).
import { request, type Category, type Org, type Provider, type User } from '../../api';
import type { components, paths } from '../../api/schema';

type S = components['schemas'];
export type UserPage = S['UserPage'];
export type UserCreate = S['UserCreateIn'];
export type UserPatch = S['UserPatch'];
export type ManagedProvider = S['ProviderLoadOut'];
export type AuditRecord = S['AuditRecordOut'];
export type Building = S['BuildingOut'];
export type Household = S['HouseholdOut'];
export type Responsibility = S['ResponsibilityOut'];
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
  /** Active providers working in `orgId`'s area (all of them without it): the list's pickers. */
  providersIn: (orgId: number | null) =>
    request<Provider[]>('GET', '/providers', { query: orgId === null ? {} : { org_id: orgId } }),
  buildings: (gridId: number) => request<Building[]>('GET', `/orgs/${gridId}/buildings`),
  createBuilding: (gridId: number, body: S['BuildingIn']) => request<Building>('POST', `/orgs/${gridId}/buildings`, { body }),
  renameBuilding: (id: number, name: string) => request<Building>('PATCH', `/buildings/${id}`, { body: { name } }),
  deleteBuilding: (id: number) => request<void>('DELETE', `/buildings/${id}`),
  addHousehold: (buildingId: number, label: string) =>
    request<Household>('POST', `/buildings/${buildingId}/households`, { body: { label } }),
  relabelHousehold: (id: number, label: string) => request<Household>('PATCH', `/households/${id}`, { body: { label } }),
  deleteHousehold: (id: number) => request<void>('DELETE', `/households/${id}`),
  responsibilities: () => request<Responsibility[]>('GET', '/responsibilities'),
  setResponsibility: (body: S['ResponsibilityIn']) => request<Responsibility>('PUT', '/responsibilities', { body }),
  removeResponsibility: (id: number) => request<void>('DELETE', `/responsibilities/${id}`),
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

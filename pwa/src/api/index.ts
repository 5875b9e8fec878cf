// Typed endpoints (reads and auth). Writes go through src/offline/outbox.ts.
import { fetchFile, request, upload, type UploadProgress } from './client';
import type {
  Assessment,
  BoardCase,
  AuthTokens,
  AssessmentArgs,
  Demand,
  DemandArgs,
  Building,
  Case,
  CaseEvent,
  CaseSummary,
  CaseListArgs,
  Category,
  CoTask,
  LoginBody,
  MapSettings,
  LoginResponse,
  NotificationListArgs,
  NotificationPage,
  Org,
  PasswordChangeBody,
  PhoneChangeBody,
  ProfileBody,
  PushSubscriptionBody,
  Page,
  Provider,
  RegisterBody,
  SheetKind,
  SheetPlan,
  ReviewListArgs,
  ReviewPage,
  Routing,
  SimilarCase,
  TaskListArgs,
  User,
  VapidKey,
  VerificationCodeBody,
  Visit,
} from './types';

/** The server ranks similar cases by the first 500 characters typed (a query string stays short). */
export const SIMILAR_TEXT_MAX = 500;

const enc = encodeURIComponent;

export const api = {
  login: (body: LoginBody) => request<LoginResponse>('POST', '/auth/login', { body, auth: false }),
  /** 202 whether or not the number has an account (a code is texted only to a new number). */
  verificationCode: (body: VerificationCodeBody) =>
    request<void>('POST', '/auth/verification-codes', { body, auth: false }),
  register: (body: RegisterBody) => request<LoginResponse>('POST', '/auth/register', { body, auth: false }),
  me: () => request<User>('GET', '/me'),
  // One's own account: online only, as the answer (new tokens, a signed-out device) matters now.
  updateProfile: (body: ProfileBody) => request<User>('PATCH', '/me', { body }),
  changePassword: (body: PasswordChangeBody) => request<AuthTokens>('POST', '/me/password', { body }),
  changePhone: (body: PhoneChangeBody) => request<User>('POST', '/me/phone', { body }),
  signOutEverywhere: () => request<void>('POST', '/me/sign-out-everywhere'),
  // This browser's Web Push subscription (online only, like the account settings).
  vapidPublicKey: () => request<VapidKey>('GET', '/push/vapid-public-key'),
  subscribePush: (body: PushSubscriptionBody) => request<void>('POST', '/push/subscriptions', { body }),
  unsubscribePush: (endpoint: string) => request<void>('DELETE', '/push/subscriptions', { body: { endpoint } }),
  orgs: (parentId?: number) => request<Org[]>('GET', '/orgs', { query: { parent_id: parentId } }),
  buildings: (gridId: number) => request<Building[]>('GET', `/orgs/${gridId}/buildings`),
  categories: () => request<Category[]>('GET', '/categories'),
  /** Active providers covering `orgId`; every category when `category` is empty. */
  providers: (category: string, orgId: number) =>
    request<Provider[]>('GET', '/providers', { query: { category, org_id: orgId } }),
  cases: (args: CaseListArgs = {}) => request<Page<CaseSummary>>('GET', '/cases', { query: { ...args } }),
  similar: (category: string, orgId: number, text = '') =>
    request<SimilarCase[]>('GET', '/cases/similar', {
      query: { category, org_id: orgId, ...(text.trim() ? { text: text.trim().slice(0, SIMILAR_TEXT_MAX) } : {}) },
    }),
  /** A resident's community board (first page; the server keeps a month of solved needs). */
  board: () => request<Page<BoardCase>>('GET', '/cases/board', { query: { limit: 50 } }),
  case: (id: string) => request<Case>('GET', `/cases/${enc(id)}`),
  events: (id: string) => request<{ items: CaseEvent[] }>('GET', `/cases/${enc(id)}/events`),
  routing: (id: string) => request<Routing>('GET', `/cases/${enc(id)}/routing`),
  tasks: (args: TaskListArgs = {}) => request<Page<CoTask>>('GET', '/tasks', { query: { ...args } }),
  /** Where the small maps' tiles come from (null: no map, nothing fetched). */
  map: () => request<MapSettings>('GET', '/map', { auth: false }),
  visits: (gridId: number, since?: string) =>
    request<{ items: Visit[] }>('GET', '/visits', { query: { grid_id: gridId, since } }),
  /** Cases needing a party-branch review (party_reviewer, officer, admin). */
  reviews: (args: ReviewListArgs = {}) => request<ReviewPage>('GET', '/reviews', { query: { ...args } }),
  notifications: (args: NotificationListArgs = {}) =>
    request<NotificationPage>('GET', '/notifications', { query: { ...args } }),
  /** Staff's assessment table (a provider's staff: its own row only). */
  assessment: (args: AssessmentArgs = {}) => request<Assessment>('GET', '/assessment', { query: { ...args } }),
  /** The same table as a CSV or XLSX file, with the name the server gives it. */
  assessmentFile: (args: AssessmentArgs & { format: 'csv' | 'xlsx' }) => fetchFile('/assessment', { ...args }),
  demand: (args: DemandArgs = {}) => request<Demand>('GET', '/analytics/demand', { query: { ...args } }),
  /** An admin's sheets: the template or the export of their area (XLSX). */
  sheetFile: (kind: SheetKind, what: 'template' | 'export') => fetchFile(`/sheets/${kind}/${what}.xlsx`, {}),
  /** The dry run ('plan') or the all-or-nothing import of a sheet file; online only, not queued. */
  sheetUpload: (kind: SheetKind, step: 'plan' | 'import', file: File, onProgress: (p: UploadProgress) => void) => {
    const form = new FormData();
    form.append('file', file);
    return upload<SheetPlan>(`/sheets/${kind}/${step}`, form, onProgress);
  },
};

export { ApiError, NetworkError } from './errors';
export { onAuthLost, request, refreshTokens, logoutRemote, fetchBlob, fetchFile, type FetchedFile, type UploadProgress } from './client';
export * from './tokens';
export type * from './types';

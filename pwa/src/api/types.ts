// The API's types, derived from the backend's OpenAPI document: `schema.d.ts` is
// generated from `pwa/openapi.json` by `npm run gen:api` (test/schema.test.ts fails
// when it is stale). Only what the document does not say precisely is written here,
// each with the reason.
import type { components, paths } from './schema';

type S = components['schemas'];
/** A nested object the backend marks nullable comes out as `{} | null | T`: keep `T | null`. */
type Nullable<T> = Exclude<T, Record<string, never>>;
type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;

export type User = S['UserOut'];
export type Role = User['role'];
export type LoginBody = S['LoginIn'];
export type LoginResponse = S['SessionOut'];
export type AuthTokens = S['TokensOut'];
export type ProfileBody = S['ProfileIn'];
export type BoardCase = S['BoardCaseOut'];
export type PasswordChangeBody = S['PasswordChangeIn'];
export type PhoneChangeBody = S['PhoneChangeIn'];
export type RegisterBody = S['RegisterIn'];
export type VerificationCodeBody = S['VerificationCodeIn'];
export type PushSubscriptionBody = S['PushSubscriptionIn'];
export type VapidKey = S['VapidKeyOut'];

export type Org = S['OrgOut'];
export type OrgKind = Org['kind'];
export type Household = S['HouseholdOut'];
export type Building = S['BuildingOut'];
export type MapSettings = S['MapOut'];
export type Category = S['CategoryOut'];
export type Provider = S['ProviderOut'];

export type Attachment = S['AttachmentOut'];
export type Rating = S['RatingOut'];
export type Reporter = S['ReporterOut'];
export type CoTask = S['CoTaskOut'];
export type CoTaskState = CoTask['state'];

export type Case = Omit<S['CaseOut'], 'reporter' | 'rating'> & {
  reporter: Nullable<S['CaseOut']['reporter']>;
  rating: Nullable<S['CaseOut']['rating']>;
};
export type CaseState = Case['state'];
export type EscalationLevel = Case['escalation_level'];
export type Priority = Case['priority'];
export type Channel = Case['channel'];
export type CaseCreate = S['CaseCreate'];
export type CasePage = S['CasePage'];
/** A case as a queue row shows it (GET /cases); the case itself carries the rest. */
export type CaseSummary = S['CaseSummaryOut'];
export type Page<T> = { items: T[]; next_cursor: string | null };
export type SimilarCase = S['SimilarCaseOut'];
export type CaseEvent = Omit<S['EventOut'], 'actor'> & { actor: Nullable<S['EventOut']['actor']> };
export type ActionBody = S['ActionIn'];
export type CoProviderBody = S['CoProviderIn'];
export type RatingBody = S['RatingIn'];
export type AppealBody = S['AppealIn'];
export type VisitCreate = S['VisitIn'];
export type Visit = S['VisitOut'];
export type TaskActionBody = S['TaskActionIn'];
export type Notification = S['NotificationOut'];
export type NotificationKind = Notification['kind'];
export type NotificationPage = S['NotificationPage'];
/**
 * Problem details. Partial: the client makes one from a body it could not parse.
 * A 409 on a stale version also carries the current case (the document says so in prose only).
 */
export type Problem = Partial<S['Problem']> & { case?: Case; open_tasks?: unknown };

export type CaseListArgs = Query<'/api/v1/cases'>;
export type TaskListArgs = Query<'/api/v1/tasks'>;
export type NotificationListArgs = Query<'/api/v1/notifications'>;
export type ReviewListArgs = Query<'/api/v1/reviews'>;

export type ReviewItem = S['ReviewItemOut'];
export type ReviewReason = ReviewItem['reasons'][number];
export type ReviewPage = { items: ReviewItem[]; next_cursor: string | null };
/** `public` has a server default, so the client may leave it out. */
export type ReviewBody = Omit<S['ReviewIn'], 'public'> & { public?: boolean };

/** `routing.candidates` is a list of plain dicts in the document (RoutingOut): its shape is the backend's `choose_provider`. */
export interface RoutingCandidate {
  provider_id: number;
  name: string;
  coverage_depth: number;
  open_cases: number;
  capacity: number;
  load: number;
}
export type Routing = Omit<S['RoutingOut'], 'candidates'> & { candidates: RoutingCandidate[] };

/** The document types `allowed_actions` as string[]: these are the lifecycle's actions (cases/lifecycle.py). */
export type CaseAction =
  | 'assign'
  | 'accept'
  | 'return'
  | 'accept_return'
  | 'refuse_return'
  | 'coordinate'
  | 'resolve'
  | 'reject'
  | 'reopen'
  | 'close'
  | 'appeal'
  | 'withdraw';
/** Task actions are a path segment in the document (routing/tasks.py TASK_TRANSITIONS). */
export type TaskAction = 'accept' | 'complete' | 'return';

// Lists for filters and tests; `satisfies` keeps them in step with the schema's enums.
export const CASE_STATES = [
  'submitted',
  'assigned',
  'in_progress',
  'returned',
  'resolved',
  'closed',
  'rejected',
] as const satisfies readonly CaseState[];
export const ESCALATION_LEVELS = ['grid', 'community', 'street', 'district', 'city'] as const satisfies readonly EscalationLevel[];
export const NOTIFICATION_KINDS = [
  'assigned',
  'co_task',
  'returned',
  'escalated',
  'resolved',
  'review_requested',
  'supervision_note',
  'accepted',
  'rate_requested',
  'withdrawn',
  'info_added',
] as const satisfies readonly NotificationKind[];

export const REVIEW_REASONS = ['low_rating', 'mid_rating', 'overdue', 'bounced', 'escalated', 'rejected'] as const satisfies readonly ReviewReason[];

type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
// Compile-time: a new state, level or kind in the document fails `npm run check` here.
export const LISTS_COVER_SCHEMA: [
  Covers<CaseState, (typeof CASE_STATES)[number]>,
  Covers<EscalationLevel, (typeof ESCALATION_LEVELS)[number]>,
  Covers<NotificationKind, (typeof NOTIFICATION_KINDS)[number]>,
  Covers<ReviewReason, (typeof REVIEW_REASONS)[number]>,
] = [true, true, true, true];

export type AssessmentArgs = Query<'/api/v1/assessment'>;
export type Assessment = Omit<S['AssessmentOut'], 'publication'> & { publication: Nullable<S['AssessmentOut']['publication']> };
export type AssessmentRow = S['AssessmentRowOut'];
export type Publication = S['PublicationOut'];
export type GroupBy = NonNullable<AssessmentArgs['group_by']>;
export type OrgLevel = NonNullable<AssessmentArgs['level']>;
export type DemandArgs = Query<'/api/v1/analytics/demand'>;
export type Demand = S['DemandOut'];
export type SeriesRow = S['SeriesRow'];
export type UnmetNeed = S['UnmetNeedRow'];
export type SupplyRow = S['SupplyRow'];
export type RecurringNeed = S['RecurringRow'];

export type SheetPlan = S['SheetPlanOut'];
export type SheetRow = S['PlannedRowOut'];
export type SheetRowProblem = S['RowProblemOut'];
/** The path segment of /sheets/{kind}/… (documented as an enum). */
export type SheetKind = paths['/api/v1/sheets/{kind}/plan']['post']['parameters']['path']['kind'];
/** The 422 of an import with refused rows, or of a file that is not the sheet. */
export type SheetRefused = S['SheetRefusedProblem'];
export type SheetUnreadable = S['SheetUnreadableProblem'];

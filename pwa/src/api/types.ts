// Hand-written from docs/api-contract.md (v1). Replace with `npm run gen:api` output
// once the backend serves /api/v1/openapi.json; keep the names used below.

export type Role =
  | 'resident'
  | 'grid_worker'
  | 'provider_staff'
  | 'dispatcher'
  | 'officer'
  | 'party_reviewer'
  | 'admin';

export type CaseState = 'submitted' | 'assigned' | 'in_progress' | 'resolved' | 'closed' | 'rejected';
export const CASE_STATES: CaseState[] = ['submitted', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected'];

export type CaseAction = 'assign' | 'accept' | 'return' | 'resolve' | 'reject' | 'reopen' | 'close';

export type EscalationLevel = 'grid' | 'community' | 'street' | 'district' | 'city';
export const ESCALATION_LEVELS: EscalationLevel[] = ['grid', 'community', 'street', 'district', 'city'];

export type Priority = 'normal' | 'urgent';
export type Channel = 'app' | 'grid_visit' | 'hotline' | 'self_org';
export type OrgKind = 'city' | 'district' | 'street' | 'community' | 'grid';

export type CategoryCode =
  | 'elderly_care'
  | 'childcare'
  | 'community_meals'
  | 'housekeeping'
  | 'health'
  | 'fitness'
  | 'culture_leisure'
  | 'childrens_play'
  | 'facility'
  | 'other';

export interface User {
  id: number | string;
  username: string;
  display_name: string;
  role: Role;
  org_id: number | string | null;
  provider_id: number | string | null;
  phone: string | null;
  /** Not in the contract yet: the grids a grid worker covers (see report). */
  grid_ids?: Array<number | string>;
}

export interface AuthTokens {
  access_token: string;
  refresh_token: string;
}
export interface LoginResponse extends AuthTokens {
  user: User;
}
export interface LoginBody {
  username: string;
  password: string;
}
export interface RegisterBody {
  phone: string;
  password: string;
  display_name: string;
  org_id: number | string;
}

export interface Org {
  id: number | string;
  parent_id: number | string | null;
  kind: OrgKind;
  name: string;
  name_en: string;
  code: string;
}
export interface Household {
  id: number | string;
  label: string;
}
export interface Building {
  id: number | string;
  name: string;
  households: Household[];
}
export interface Category {
  code: CategoryCode | string;
  name_zh: string;
  name_en: string;
  icon: string;
  active: boolean;
}
export interface Provider {
  id: number | string;
  name: string;
  type: string;
  categories: string[];
  active: boolean;
}

export interface Attachment {
  id: number | string;
  content_type: string;
  size: number;
  url: string;
}
export interface Rating {
  resolved: boolean;
  stars: number;
  comment: string | null;
  created_at: string;
}
export interface PersonRef {
  id: number | string;
  display_name: string;
  phone?: string | null;
}

export interface Case {
  id: string;
  reference: string;
  category: string;
  title: string;
  description: string;
  org_id: number | string;
  org_name: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  priority: Priority;
  channel: Channel;
  state: CaseState;
  version: number;
  escalation_level: EscalationLevel;
  /** How many times the case was reopened (sent by the backend, not in the contract). */
  cycle?: number;
  provider_id: number | string | null;
  provider_name: string | null;
  reporter: PersonRef | null;
  household_id: number | string | null;
  supporters: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  allowed_actions: CaseAction[];
  rating: Rating | null;
  attachments: Attachment[];
  /** Not in the contract yet: SLA deadlines (see report). Shown when present. */
  accept_by?: string | null;
  resolve_by?: string | null;
}

export interface CaseCreate {
  id?: string;
  category: string;
  title: string;
  description: string;
  org_id: number | string;
  address?: string;
  lat?: number;
  lon?: number;
  priority?: Priority;
  channel?: Channel;
  household_id?: number | string;
  on_behalf_of?: { resident_id?: number | string; name?: string; phone?: string };
}

export interface CaseListArgs {
  state?: CaseState | '';
  category?: string;
  org_id?: number | string;
  mine?: boolean;
  escalation_level?: EscalationLevel | '';
  limit?: number;
  cursor?: string;
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface SimilarCase {
  id: string;
  reference: string;
  title: string;
  state: CaseState;
  created_at: string;
  supporters: number;
}

export interface CaseEvent {
  id: number | string;
  at: string;
  action: string;
  from_state: CaseState | null;
  to_state: CaseState | null;
  note: string | null;
  public: boolean;
  actor: { id: number | string; display_name: string; role: Role } | null;
}

export interface ActionBody {
  version: number;
  note?: string;
  reason?: string;
  provider_id?: number | string;
}
export interface RatingBody {
  resolved: boolean;
  stars: number;
  comment?: string;
}

export interface VisitCreate {
  id?: string;
  household_id: number | string;
  visited_at: string;
  note?: string;
}
export interface Visit {
  id: string;
  household_id: number | string;
  visited_at: string;
  note: string | null;
  worker_id: number | string;
}

/** Not in the contract yet (endpoint "arrives later"); rendered defensively. */
export interface Notification {
  id: number | string;
  created_at: string;
  title: string;
  body?: string | null;
  case_id?: string | null;
  read_at?: string | null;
}

/** RFC 9457 problem details, as the backend sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  case?: Case;
}

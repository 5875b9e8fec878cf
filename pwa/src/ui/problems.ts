// What a refused request means, in the user's language. The server's problem details carry
// a `type` URI, the status and English `detail` / field messages (for developers): the UI
// shows a message chosen from the type and status, and each field error under its
// translated label. English server text is shown only in English, only as a last resort.
import { ApiError, NetworkError } from '../api/errors';
import type { Problem } from '../api/types';
import { hasKey, t, tn, type MessageKey } from '../i18n';

const TYPE_BASE = 'https://linli.example.org/problems/';

export interface FieldProblem {
  /** The field as the server named it (`title`, `on_behalf_of.resident_id`, `co_providers.0.due_at`). */
  field: string;
  label: string;
  messages: string[];
}
export interface Explained {
  message: string;
  fields: FieldProblem[];
}

function stateName(state: unknown): string {
  const key = `state.${String(state)}`;
  return hasKey(key) ? t(key) : String(state ?? '');
}

function actionName(action: string | undefined): string | null {
  if (!action) return null;
  const key = `action.${action}`;
  return hasKey(key) ? t(key) : null;
}

/** One field error as the server codes it (`codes` beside `errors` in every problem). */
export interface FieldCode {
  code: string;
  min?: number | string;
  max?: number | string;
}

const CODE_KEYS: Record<string, MessageKey> = {
  required: 'fieldError.required',
  blank: 'fieldError.blank',
  length: 'fieldError.length',
  out_of_range: 'fieldError.range',
  invalid: 'fieldError.invalid',
  not_a_choice: 'fieldError.choice',
  unknown_field: 'fieldError.unknownField',
  not_found: 'fieldError.notFound',
  outside_area: 'fieldError.outsideArea',
  already_used: 'fieldError.alreadyUsed',
  in_future: 'fieldError.inFuture',
  in_past: 'fieldError.inPast',
  too_large: 'fieldError.tooLarge',
  empty: 'fieldError.empty',
  invalid_phone: 'fieldError.phone',
  control_characters: 'fieldError.controlCharacters',
  hidden_characters: 'fieldError.hiddenCharacters',
  common_password: 'fieldError.commonPassword',
  wrong_code: 'fieldError.wrongCode',
  not_an_image: 'fieldError.notAnImage',
  not_allowed: 'fieldError.notAllowed',
  wrong_kind: 'fieldError.wrongKind',
  wrong_level: 'fieldError.wrongLevel',
  deactivated: 'fieldError.deactivated',
  own_account: 'fieldError.ownAccount',
  wrong_password: 'fieldError.wrongPassword',
  same_password: 'fieldError.samePassword',
};

/** The translated message of one coded field error. */
export function fieldMessage(c: FieldCode): string {
  if (c.code === 'too_long') return tn('fieldError.tooLong', Number(c.max));
  if (c.code === 'too_short') return Number(c.min) <= 1 ? t('fieldError.required') : tn('fieldError.tooShort', Number(c.min));
  const key = CODE_KEYS[c.code];
  return key ? t(key, { min: c.min ?? '', max: c.max ?? '' }) : t('fieldError.generic');
}

/** A field's label from the last named part of its path (`on_behalf_of.resident_id` → resident). */
export function fieldLabel(path: string): string {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p));
  for (let i = parts.length - 1; i >= 0; i--) {
    const key = `field.${parts[i]}`;
    if (hasKey(key)) return t(key);
  }
  return t('field.other');
}

const isCode = (v: unknown): v is FieldCode => !!v && typeof v === 'object' && typeof (v as FieldCode).code === 'string';

function flatten(value: unknown, path: string, out: Map<string, FieldCode[]>): void {
  if (Array.isArray(value) && value.every(isCode)) {
    out.set(path, [...(out.get(path) ?? []), ...value]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, path ? `${path}.${i}` : String(i), out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined && value !== null) {
    out.set(path, [...(out.get(path) ?? []), { code: 'invalid' }]);
  }
}

/** Field errors of a problem, translated, by the server's field path (`_schema`: the whole request). */
export function fieldProblems(problem: Problem | undefined): FieldProblem[] {
  const flat = new Map<string, FieldCode[]>();
  flatten(problem?.codes, '', flat);
  return [...flat].map(([field, msgs]) => ({
    field,
    label: field === '_schema' || field === '' ? '' : fieldLabel(field),
    messages: [...new Set(msgs.map(fieldMessage))],
  }));
}

/** For forms: translated messages by top-level field name. */
export function fieldErrorsByName(problem: Problem | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fieldProblems(problem)) {
    const top = f.field.split('.')[0];
    out[top] = [...(out[top] ?? []), ...f.messages];
  }
  return out;
}

/** The headline of a refused request (`action`: the case action it was, if one). */
export function problemMessage(status: number | undefined, problem: Problem | undefined, action?: string): string {
  const p = (problem ?? {}) as Problem & { state?: string; open_tasks?: unknown; case?: { state?: string } };
  const type = typeof p.type === 'string' && p.type.startsWith(TYPE_BASE) ? p.type.slice(TYPE_BASE.length) : '';
  const s = status ?? p.status ?? 0;
  switch (type) {
    case 'version-conflict':
      return t('problem.versionConflict', { state: stateName(p.case?.state) });
    case 'transition-not-allowed': {
      const a = actionName(action);
      return a
        ? t('problem.transitionNotAllowedAction', { state: stateName(p.state), action: a })
        : t('problem.transitionNotAllowed', { state: stateName(p.state) });
    }
    case 'co-tasks-open':
      return tn('problem.coTasksOpen', Array.isArray(p.open_tasks) ? p.open_tasks.length : 1);
    case 'validation':
      return t('problem.validation');
    case 'idempotency-key-reused':
      return t('problem.idempotencyReused');
    case 'in-use':
      return t('problem.inUse');
  }
  if (s === 409 && p.case) return t('problem.versionConflict', { state: stateName(p.case.state) });
  if (s === 422 && p.state) return t('problem.caseState', { state: stateName(p.state) });
  if (s === 422 && p.errors && Object.keys(p.errors).length) return t('problem.validation');
  if (s >= 500) return t('problem.status.5xx');
  const key = `problem.status.${s}` as MessageKey;
  if (hasKey(key)) return t(key);
  return t('problem.other', { status: s || '?' });
}

export function explainProblem(status: number | undefined, problem: Problem | undefined, action?: string): Explained {
  return { message: problemMessage(status, problem, action), fields: fieldProblems(problem) };
}

/** Any error a request threw, as one sentence for the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return problemMessage(error.status, error.problem);
  if (error instanceof NetworkError) return t('problem.network');
  return t('problem.other', { status: '?' });
}

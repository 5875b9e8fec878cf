// A category's extra questions on the report form. Answers are kept as typed (strings) and
// turned into the JSON the server checks only when the report is queued, so an offline
// report carries them in the outbox like every other field.
import type { Category } from '../../api/types';
import { labelOf, t } from '../../i18n';
import { TextField } from '../../ui/form';

type Field = Category['fields'][number];
type Answer = string | number | boolean;

/** The answers as the server takes them, or the first message of what is missing or wrong. */
export function answersOf(fields: Field[], values: Record<string, string>): Record<string, Answer> | string {
  const answers: Record<string, Answer> = {};
  for (const f of fields) {
    const raw = (values[f.key] ?? '').trim();
    if (!raw) {
      if (f.required) return t('report.extraRequired', { label: labelOf(f) });
      continue;
    }
    if (f.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) return t('report.extraNumber', { label: labelOf(f) });
      answers[f.key] = n;
    } else if (f.type === 'boolean') answers[f.key] = raw === 'yes';
    else answers[f.key] = raw;
  }
  return answers;
}

export function ExtraFields({ fields, values, onChange }: { fields: Field[]; values: Record<string, string>; onChange: (v: Record<string, string>) => void }) {
  if (!fields.length) return null;
  const set = (key: string, value: string) => onChange({ ...values, [key]: value });
  return (
    <fieldset class="field" data-testid="report-extra">
      <legend>{t('report.extra')}</legend>
      {fields.map((f) => {
        const label = f.required ? t('report.extraRequiredLabel', { label: labelOf(f) }) : labelOf(f);
        const testid = `report-extra-${f.key}`;
        if (f.type === 'text' || f.type === 'number') {
          return (
            <TextField
              key={f.key}
              label={label}
              type={f.type === 'number' ? 'number' : 'text'}
              inputMode={f.type === 'number' ? 'decimal' : undefined}
              maxLength={200}
              value={values[f.key] ?? ''}
              onValue={(v) => set(f.key, v)}
              data-testid={testid}
            />
          );
        }
        const options = f.type === 'boolean' ? [{ key: 'yes', label: t('common.yes') }, { key: 'no', label: t('common.no') }] : f.choices.map((c) => ({ key: c.key, label: labelOf(c) }));
        return (
          <label key={f.key} class="field">
            <span>{label}</span>
            <select value={values[f.key] ?? ''} onChange={(e) => set(f.key, e.currentTarget.value)} data-testid={testid}>
              <option value="">{t('report.choose')}</option>
              {options.map((o) => (
                <option key={o.key} value={o.key}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        );
      })}
    </fieldset>
  );
}

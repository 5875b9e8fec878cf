import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Category } from '../../api';
import { categoryName, t, type MessageKey } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { errorMessage, fieldErrorsByName } from '../../ui/problems';
import { consoleApi, type CategoryField } from './api';
import { ConsoleNav } from './ConsoleNav';
import { useCityAdmin } from './useCityAdmin';

const TYPES: CategoryField['type'][] = ['text', 'number', 'choice', 'boolean'];

/** Choices as the admin types them: one a line, key, Chinese label, English label. */
function parseChoices(text: string): NonNullable<CategoryField['choices']> {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([key, zh = '', ...en]) => ({ key, label_zh: zh, label_en: en.join(' ') || zh }));
}

function choicesText(field: CategoryField): string {
  return (field.choices ?? []).map((c) => `${c.key} ${c.label_zh} ${c.label_en}`).join('\n');
}

function FieldEditor({ field, index, errors, onChange, onRemove }: { field: CategoryField; index: number; errors: Record<string, string[]>; onChange: (f: CategoryField) => void; onRemove: () => void }) {
  const [choices, setChoices] = useState(choicesText(field));
  const at = (name: string) => errors[`fields.${index}.${name}`];
  return (
    <fieldset class="field card-pad" data-testid="field-editor">
      <legend>{t('settings.fields')} #{index + 1}</legend>
      <TextField label={t('settings.fieldKey')} value={field.key} onValue={(key) => onChange({ ...field, key })} errors={at('key')} data-testid="field-key" />
      <TextField label={t('settings.labelZh')} value={field.label_zh} onValue={(label_zh) => onChange({ ...field, label_zh })} errors={at('label_zh')} data-testid="field-label-zh" />
      <TextField label={t('settings.labelEn')} value={field.label_en} onValue={(label_en) => onChange({ ...field, label_en })} errors={at('label_en')} data-testid="field-label-en" />
      <label class="field">
        <span>{t('settings.fieldType')}</span>
        <select value={field.type} onChange={(e) => onChange({ ...field, type: e.currentTarget.value as CategoryField['type'], choices: [] })} data-testid="field-type">
          {TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`settings.type.${ty}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {field.type === 'choice' && (
        <label class="field">
          <span>{t('settings.choices')}</span>
          <textarea
            rows={3}
            value={choices}
            data-testid="field-choices"
            onInput={(e) => {
              setChoices(e.currentTarget.value);
              onChange({ ...field, choices: parseChoices(e.currentTarget.value) });
            }}
          />
          {at('choices') && <span class="field-error">{at('choices')?.join(' ')}</span>}
        </label>
      )}
      <label class="check">
        <input type="checkbox" checked={!!field.required} onChange={(e) => onChange({ ...field, required: e.currentTarget.checked })} data-testid="field-required" />
        <span>{t('settings.required')}</span>
      </label>
      <button type="button" class="btn btn-ghost" onClick={onRemove} data-testid="field-remove">
        {t('settings.removeField')}
      </button>
    </fieldset>
  );
}

/** A category's names and extra questions (or a new category's code too). */
function CategoryForm({ category, onSaved }: { category?: Category; onSaved: () => void }) {
  const [code, setCode] = useState('');
  const [nameZh, setNameZh] = useState(category?.name_zh ?? '');
  const [nameEn, setNameEn] = useState(category?.name_en ?? '');
  const [fields, setFields] = useState<CategoryField[]>(category?.fields ?? []);
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = { name_zh: nameZh.trim(), name_en: nameEn.trim(), fields };
    try {
      await (category ? consoleApi.updateCategory(category.code, body) : consoleApi.createCategory({ ...body, code: code.trim() }));
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const addField = () => setFields([...fields, { key: '', label_zh: '', label_en: '', type: 'text', required: false, choices: [] }]);

  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="category-form">
      {!category && <TextField label={t('settings.code')} required value={code} onValue={setCode} errors={errors.code} data-testid="category-code" />}
      <TextField label={t('settings.nameZh')} required value={nameZh} onValue={setNameZh} errors={errors.name_zh} data-testid="category-name-zh" />
      <TextField label={t('settings.nameEn')} required value={nameEn} onValue={setNameEn} errors={errors.name_en} data-testid="category-name-en" />
      <h3 class="sub">{t('settings.fields')}</h3>
      {fields.length === 0 && <p class="note">{t('settings.noFields')}</p>}
      {fields.map((f, i) => (
        <FieldEditor
          // a new question has no key yet: its place is its identity while it is edited
          key={i}
          field={f}
          index={i}
          errors={errors}
          onChange={(next) => setFields(fields.map((x, j) => (j === i ? next : x)))}
          onRemove={() => setFields(fields.filter((_, j) => j !== i))}
        />
      ))}
      <button type="button" class="btn btn-secondary" onClick={addField} data-testid="field-add">
        {t('settings.addField')}
      </button>
      {error ? <ErrorText error={error} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="category-submit">
        {category ? t('console.save') : t('settings.createCategory')}
      </button>
    </form>
  );
}

function CategoryItem({ category, index, last, editable, onSaved }: { category: Category; index: number; last: boolean; editable: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const change = async (body: { active?: boolean; position?: number }) => {
    setError(null);
    try {
      await consoleApi.updateCategory(category.code, body);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li class="card card-pad console-row" data-testid="category-item" data-code={category.code} data-active={String(category.active)}>
      <span class="console-main">
        <strong>{categoryName(category)}</strong>
        <span class="muted">
          {t('settings.position', { n: index + 1 })}
        </span>
        <span class="muted">{t('settings.fieldCount', { n: category.fields.length })}</span>
        {!category.active && <span class="badge">{t('console.inactive')}</span>}
      </span>
      {editable && (
        <span class="console-actions">
          <button type="button" class="btn btn-secondary" disabled={index === 0} onClick={() => void change({ position: index - 1 })} data-testid="category-up">
            {t('settings.moveUp')}
          </button>
          <button type="button" class="btn btn-secondary" disabled={last} onClick={() => void change({ position: index + 1 })} data-testid="category-down">
            {t('settings.moveDown')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={() => setEditing(!editing)} data-testid="category-edit">
            {editing ? t('common.cancel') : t('console.edit')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={() => void change({ active: !category.active })} data-testid="category-toggle">
            {category.active ? t('console.deactivate') : t('console.reactivate')}
          </button>
        </span>
      )}
      {editing && <CategoryForm category={category} onSaved={onSaved} />}
      {error ? <p class="error" role="alert">{errorMessage(error)}</p> : null}
    </li>
  );
}

export default function CategoriesPage() {
  const editable = useCityAdmin();
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const load = () => consoleApi.categories().then(setCategories, setError);
  useEffect(() => void load(), []);
  const saved = () => {
    setCreating(false);
    void load();
  };
  return (
    <Page title={t('console.categories')} wide actions={<ConsoleNav />}>
      <p class="note">{t('settings.categoriesHint')}</p>
      {!editable && <p class="note" data-testid="settings-read-only">{t('console.readOnly')}</p>}
      {editable && (
        <button class="btn btn-secondary" type="button" onClick={() => setCreating(!creating)} data-testid="category-new">
          {creating ? t('common.cancel') : t('settings.newCategory')}
        </button>
      )}
      {creating && <CategoryForm onSaved={saved} />}
      {error ? <ErrorText error={error} /> : null}
      {categories === null && !error && <p class="muted">{t('common.loading')}</p>}
      <ul class="list" data-testid="category-list">
        {(categories ?? []).map((c, i) => (
          <CategoryItem key={`${c.code}-${c.sort_order}-${c.active}-${JSON.stringify(c.fields)}-${c.name_zh}`} category={c} index={i} last={i === (categories?.length ?? 0) - 1} editable={editable} onSaved={saved} />
        ))}
      </ul>
    </Page>
  );
}

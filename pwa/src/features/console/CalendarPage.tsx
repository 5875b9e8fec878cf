import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { locale, t } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { fieldErrorsByName } from '../../ui/problems';
import { consoleApi, type CalendarDay, type CalendarYear } from './api';
import { ConsoleNav } from './ConsoleNav';
import { useCityAdmin } from './useCityAdmin';

type Kind = CalendarDay['kind'];

/** A calendar date with its weekday, as a reader of that language writes it. */
function dayLabel(day: string): string {
  return new Intl.DateTimeFormat(locale.value, { month: 'long', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

function AddDay({ year, onSaved }: { year: number; onSaved: () => void }) {
  const [day, setDay] = useState('');
  const [kind, setKind] = useState<Kind>('holiday');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await consoleApi.setCalendarDay(day, { kind, note: note.trim() });
      setDay('');
      setNote('');
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="calendar-add">
      <TextField label={t('calendar.day')} type="date" required min={`${year}-01-01`} max={`${year}-12-31`} value={day} onValue={setDay} errors={errors.day} data-testid="calendar-day" />
      <label class="field">
        <span>{t('calendar.kind')}</span>
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)} data-testid="calendar-kind">
          <option value="holiday">{t('calendar.holiday')}</option>
          <option value="workday">{t('calendar.workday')}</option>
        </select>
      </label>
      <TextField label={t('calendar.note')} maxLength={60} value={note} onValue={setNote} errors={errors.note} data-testid="calendar-note" />
      {error && !Object.keys(errors).length ? <ErrorText error={error} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="calendar-submit" disabled={!day}>
        {t('calendar.add')}
      </button>
    </form>
  );
}

export default function CalendarPage() {
  const editable = useCityAdmin();
  const [year, setYear] = useState(() => new Date().getFullYear() + 1);
  const [data, setData] = useState<CalendarYear | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const load = () => consoleApi.calendar(year).then(setData, setError);
  useEffect(() => {
    setData(null);
    setNotice('');
    void load();
  }, [year]);

  const act = async (fn: () => unknown) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const knows = data ? year >= data.national_first_year && year <= data.national_last_year : false;
  const holidays = data?.days.filter((d) => d.kind === 'holiday').length ?? 0;

  return (
    <Page title={t('console.calendar')} wide actions={<ConsoleNav />}>
      <p class="note">{t('calendar.hint')}</p>
      {!editable && <p class="note" data-testid="settings-read-only">{t('console.readOnly')}</p>}
      {data && !data.in_use && <p class="note" data-testid="calendar-not-in-use">{t('calendar.notInUse')}</p>}
      <div class="controls">
        <label class="field field-inline">
          <span>{t('calendar.year')}</span>
          <select value={String(year)} onChange={(e) => setYear(Number(e.currentTarget.value))} data-testid="calendar-year">
            {Array.from({ length: 7 }, (_, i) => new Date().getFullYear() - 3 + i).map((y) => (
              <option key={y} value={String(y)}>
                {y}
              </option>
            ))}
          </select>
        </label>
        {editable && data && knows && (
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="calendar-import"
            onClick={() => void act(async () => setNotice(t('calendar.imported', { n: (await consoleApi.importNationalYear(year)).changed })))}
          >
            {t('calendar.import', { year })}
          </button>
        )}
      </div>
      {data && !knows && <p class="note" data-testid="calendar-unknown-year">{t('calendar.importUnknown', { first: data.national_first_year, last: data.national_last_year, year })}</p>}
      {notice && (
        <p class="ok" role="status" data-testid="calendar-notice">
          {notice}
        </p>
      )}
      {editable && <AddDay year={year} onSaved={() => void load()} />}
      {error ? <ErrorText error={error} /> : null}
      {data === null && !error && <p class="muted">{t('common.loading')}</p>}
      {data && data.days.length === 0 && <p class="note" data-testid="calendar-empty">{t('calendar.empty', { year })}</p>}
      {data && data.days.length > 0 && <p class="muted" data-testid="calendar-counts">{t('calendar.counts', { holidays, workdays: data.days.length - holidays })}</p>}
      <ul class="list calendar-list" data-testid="calendar-list">
        {(data?.days ?? []).map((d) => (
          <li key={d.day} class="card card-pad console-row" data-testid="calendar-item" data-day={d.day} data-kind={d.kind}>
            <span class="console-main">
              <strong>
                <time dateTime={d.day}>{dayLabel(d.day)}</time>
              </strong>
              <span class={d.kind === 'holiday' ? 'badge' : 'badge badge-work'}>{t(d.kind === 'holiday' ? 'calendar.holiday' : 'calendar.workday')}</span>
              {d.note && <span class="muted">{d.note}</span>}
            </span>
            {editable && (
              <span class="console-actions">
                <button type="button" class="btn btn-secondary" onClick={() => void act(() => consoleApi.removeCalendarDay(d.day))} data-testid="calendar-remove">
                  {t('calendar.remove')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </Page>
  );
}

// Import and export (admins): pick a kind of sheet, download its template or the current data,
// choose a file for a dry run row by row, then import it all at once. Online only: an import is
// checked against the data as it is now, so it is never queued in the outbox.
import { useState } from 'preact/hooks';
import { ApiError, api, type SheetKind, type SheetPlan, type UploadProgress } from '../../api';
import { t } from '../../i18n';
import { ConsoleNav } from '../console/ConsoleNav';
import { ErrorText, Page } from '../../ui/bits';
import { DownloadButtons } from '../../ui/DownloadButtons';
import { fileProblemMessage, refusedRows, SheetTable } from './SheetTable';

const KINDS: SheetKind[] = ['orgs', 'households', 'users', 'providers'];

type Stage =
  | { step: 'idle' }
  | { step: 'checking' | 'importing'; progress: UploadProgress }
  | { step: 'planned'; plan: SheetPlan }
  | { step: 'imported'; plan: SheetPlan }
  | { step: 'refused'; plan: SheetPlan }
  | { step: 'failed'; error: unknown };

function Progress({ stage }: { stage: Extract<Stage, { step: 'checking' | 'importing' }> }) {
  const { fraction, sent } = stage.progress;
  const words = !sent
    ? t('sheets.uploading', { pct: Math.round(fraction * 100) })
    : t(stage.step === 'checking' ? 'sheets.checking' : 'sheets.importing');
  return (
    <div class="sheet-progress" role="status" data-testid="sheet-progress">
      {/* No value once sent: the server's work has no measure, so the bar moves on its own. */}
      <progress max={1} value={sent ? undefined : fraction} aria-label={t('sheets.progressLabel')} />
      <span>{words}</span>
    </div>
  );
}

function Downloads({ kind }: { kind: SheetKind }) {
  return (
    <DownloadButtons
      testidPrefix="sheet-"
      busyLabel={t('sheets.downloading')}
      choices={(['template', 'export'] as const).map((what) => ({
        id: what,
        label: t(what === 'template' ? 'sheets.template' : 'sheets.export'),
        fetch: () => api.sheetFile(kind, what),
        fallbackName: `${kind}.xlsx`,
      }))}
    />
  );
}

export default function SheetsPage() {
  const [kind, setKind] = useState<SheetKind>('households');
  const [file, setFile] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ step: 'idle' });
  const busy = stage.step === 'checking' || stage.step === 'importing';

  const send = async (step: 'plan' | 'import', chosen: File, forKind: SheetKind) => {
    const progressStep = step === 'plan' ? 'checking' : 'importing';
    setStage({ step: progressStep, progress: { fraction: 0, sent: false } });
    try {
      const plan = await api.sheetUpload(forKind, step, chosen, (progress) => setStage({ step: progressStep, progress }));
      setStage({ step: step === 'plan' ? 'planned' : 'imported', plan });
    } catch (e) {
      const refused = e instanceof ApiError ? refusedRows(e.problem) : null;
      setStage(refused ? { step: 'refused', plan: { ...refused, kind: forKind } } : { step: 'failed', error: e });
    }
  };
  const choose = (chosen: File | null) => {
    setFile(chosen);
    if (chosen) void send('plan', chosen, kind);
    else setStage({ step: 'idle' });
  };
  const pickKind = (k: SheetKind) => {
    setKind(k);
    setFile(null);
    setStage({ step: 'idle' });
  };

  const plan = 'plan' in stage ? stage.plan : null;
  const refused = plan?.counts.refuse ?? 0;
  const toWrite = plan ? plan.counts.create + plan.counts.change : 0;
  return (
    <Page title={t('sheets.title')} wide actions={<ConsoleNav />}>
      <p class="muted">{t('sheets.intro')}</p>
      <div class="segbar" role="group" aria-label={t('sheets.kindLabel')} data-testid="sheet-kinds">
        {KINDS.map((k) => (
          <button
            key={k}
            type="button"
            data-testid={`sheet-kind-${k}`}
            class={k === kind ? 'segbar-on' : ''}
            aria-pressed={k === kind}
            disabled={busy}
            onClick={() => pickKind(k)}
          >
            {t(`sheets.kind.${k}`)}
          </button>
        ))}
      </div>
      <section class="card-pad">
        <p>{t(`sheets.hint.${kind}`)}</p>
        <Downloads kind={kind} />
        {/* The browser's own file button speaks the browser's language: ours speaks the app's. */}
        <div class="file-pick">
          <label class={`btn btn-primary${busy ? ' is-disabled' : ''}`}>
            {t('sheets.choose')}
            <input
              key={kind}
              type="file"
              class="sr-only"
              data-testid="sheet-file"
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              disabled={busy}
              onChange={(e) => {
                choose(e.currentTarget.files?.[0] ?? null);
                e.currentTarget.value = ''; // choosing the same file again (once fixed) runs again
              }}
            />
          </label>
          {file && <span data-testid="sheet-file-name">{file.name}</span>}
        </div>
        <p class="muted">{t('sheets.fileHint')}</p>
      </section>

      {stage.step === 'idle' && <p class="empty">{t('sheets.empty')}</p>}
      {busy && <Progress stage={stage} />}
      {stage.step === 'failed' && (
        <p class="error" role="alert" data-testid="sheet-file-problem">
          {stage.error instanceof ApiError ? fileProblemMessage(stage.error.problem) : <ErrorText error={stage.error} />}
        </p>
      )}
      {plan && (
        <section class="card-pad" aria-labelledby="sheet-result-title" data-testid="sheet-result">
          <h2 id="sheet-result-title">{t(stage.step === 'imported' ? 'sheets.importTitle' : 'sheets.tableLabel')}</h2>
          <p data-testid="sheet-counts">{t('sheets.counts', { ...plan.counts })}</p>
          {stage.step === 'refused' && (
            <p class="error" role="alert">
              {t('sheets.importRefused')}
            </p>
          )}
          {refused > 0 && <p class="error" data-testid="sheet-refused-note">{t('sheets.refusedNote', { n: refused })}</p>}
          {stage.step === 'imported' && (
            <p class="ok" role="status" data-testid="sheet-imported">
              {t('sheets.imported', { create: plan.counts.create, change: plan.counts.change })}
            </p>
          )}
          {stage.step === 'planned' && !refused && (
            <p class={toWrite ? '' : 'muted'}>{t(toWrite ? 'sheets.readyNote' : 'sheets.nothingToDo')}</p>
          )}
          <SheetTable plan={plan} />
          {stage.step === 'planned' && !refused && toWrite > 0 && file && (
            <button type="button" class="btn btn-primary" data-testid="sheet-confirm" onClick={() => void send('import', file, kind)}>
              {t('sheets.confirm')}
            </button>
          )}
        </section>
      )}
    </Page>
  );
}

import { t, tn } from '../../i18n';
import { outboxCounts } from '../../offline/outbox';
import { syncing, syncNow } from '../../offline/sync';

/**
 * Signing out with unsent writes: they are the user's own work (a visit log, a report for
 * a resident) and cannot be redone, so they stay on the phone under this user's account
 * and go at the next sign-in; what the server sent (other people's data) is deleted.
 */
export function LogoutDialog({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  const { pending, attention } = outboxCounts.value;
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="logout-title" data-testid="logout-dialog">
      <div class="dialog">
        <h2 id="logout-title">{tn('logout.title', pending)}</h2>
        <p>{t('logout.body')}</p>
        {attention > 0 && <p class="note note-warn">{tn('logout.attention', attention)}</p>}
        <div class="seg wrap">
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="logout-sync"
            disabled={syncing.value}
            onClick={() => void syncNow({ force: true })}
          >
            {t('logout.syncFirst')}
          </button>
          <button type="button" class="btn btn-ghost" data-testid="logout-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" class="btn btn-danger" data-testid="logout-confirm" onClick={onConfirm}>
            {t('logout.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}

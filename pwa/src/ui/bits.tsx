import type { ComponentChildren } from 'preact';
import { errorMessage } from './problems';
import type { CaseState } from '../api/types';
import { fmtTime, t } from '../i18n';
import { online } from '../offline/online';
import type { PagedList } from './usePagedList';
import type { Resource } from './useResource';

/** A case's state; a closed case its reporter took back says so (`withdrawn`). */
export function StateBadge({ state, pending, withdrawn }: { state?: CaseState; pending?: boolean; withdrawn?: boolean }) {
  return (
    <span
      class={`state state-${pending ? 'pending' : state}`}
      data-testid="case-state"
      data-state={pending ? 'pending' : state}
    >
      {pending || !state ? t('cases.pendingSync') : withdrawn ? t('cases.withdrawn') : t(`state.${state}`)}
    </span>
  );
}

/** What a view says about where its data came from, or why there is none. */
export function ResourceNote<T>({ res, fetchedAt }: { res: Resource<T>; fetchedAt?: number | string }) {
  if (res.loading && res.data === undefined) return <p class="muted">{t('common.loading')}</p>;
  if (res.error && res.data === undefined) {
    if (res.offline) return <p class="note">{t('common.nothingCached')}</p>;
    return <ErrorText error={res.error} />;
  }
  if (res.error && res.offline) {
    // The shell's offline banner already says the network is gone: add only how old this copy is.
    if (!fetchedAt && !online.value) return null;
    return (
      <p class="note" role="status" data-testid="resource-note">
        {fetchedAt ? t('common.cached', { time: fmtTime(fetchedAt) }) : t('common.errorNetwork')}
      </p>
    );
  }
  return null;
}

export function ErrorText({ error }: { error: unknown }) {
  return (
    <p class="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}

export function Page({
  title,
  children,
  actions,
  wide,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  /** Tables of figures: the page may use a desktop's width. */
  wide?: boolean;
}) {
  return (
    <section class={wide ? 'page figures' : 'page'}>
      <div class="page-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A paged list's "load more" button (while there is a next page) and its last error. */
export function LoadMore<T>({ paging }: { paging: PagedList<T> }) {
  return (
    <>
      {paging.moreError ? <ErrorText error={paging.moreError} /> : null}
      {paging.cursor && (
        <button type="button" class="btn btn-secondary btn-block" data-testid="load-more" onClick={paging.loadMore}>
          {t('common.loadMore')}
        </button>
      )}
    </>
  );
}

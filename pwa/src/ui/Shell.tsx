import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { locale, setLocale, t } from '../i18n';
import { online, watchOnline } from '../offline/online';
import { outboxCounts } from '../offline/outbox';
import { syncNow, syncing, syncPaused } from '../offline/sync';
import { applyUpdate, updateReady } from '../offline/sw-bridge';
import { currentUser, signOut } from '../features/auth/session';
import { startInboxPolling, unreadCount } from '../features/notifications/inbox';
import { useEffect, useState } from 'preact/hooks';
import { LogoutDialog } from '../features/auth/LogoutDialog';

export function LangToggle() {
  return (
    <button
      type="button"
      class="btn btn-ghost"
      data-testid="lang-toggle"
      lang={locale.value === 'en' ? 'zh-CN' : 'en'}
      // The accessible name is the visible language name (WCAG 2.5.3, label in name); the hint is a title.
      title={t('header.langToggleLabel')}
      onClick={() => setLocale(locale.value === 'en' ? 'zh-CN' : 'en')}
    >
      {t('header.langToggle')}
    </button>
  );
}

function Header() {
  const { pending, attention } = outboxCounts.value;
  const { route } = useLocation();
  const [asking, setAsking] = useState(false);
  const onLogout = () => {
    if (pending) setAsking(true);
    else void signOut();
  };
  return (
    <>
      <header class="topbar">
        <a href="/" class="brand">
          {t('app.name')}
        </a>
        <div class="topbar-actions">
          <LangToggle />
          <button
            type="button"
            class={`btn btn-ghost sync${syncing.value ? ' is-syncing' : ''}${attention ? ' has-attention' : ''}`}
            data-testid="sync-now"
            // Residents have no outbox tab: with something waiting the badge opens it (and still
            // tries to send); with nothing waiting it only syncs.
            onClick={() => {
              void syncNow({ force: true });
              if (pending > 0) route('/outbox');
            }}
          >
            <span aria-hidden="true" class="sync-icon">
              ⟳
            </span>
            {/* No aria-label: the name is read from the content, so it contains the visible count. */}
            <span class="sr-only">
              {`${syncing.value ? t('header.syncing') : t('header.sync')}${pending > 0 ? `, ${t('header.openOutbox')}` : ''}, ${t('header.pending')}`}
            </span>
            <span class="badge" data-testid="outbox-pending">
              {pending}
            </span>
          </button>
          {/* A glyph, not a word: a word more does not fit the bar on a 360 px phone. */}
          <a href="/profile" class="btn btn-ghost btn-tight" data-testid="nav-profile" aria-label={t('header.profile')} title={t('header.profile')}>
            <span aria-hidden="true">{'\u2699\uFE0E'}</span>
          </a>
          <button type="button" class="btn btn-ghost" data-testid="logout" onClick={onLogout}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      {/* Outside the header: the dialog must not inherit the bar's white text. */}
      {asking && pending > 0 && <LogoutDialog onCancel={() => setAsking(false)} onConfirm={() => void signOut()} />}
    </>
  );
}

interface Tab {
  href: string;
  label: string;
  glyph: string;
  testid: string;
  /** A count shown on the tab (unread notifications). */
  count?: number;
  /** Other paths under the same tab. */
  also?: string[];
}

function tabsFor(role: string | undefined): Tab[] {
  const outbox = { href: '/outbox', label: t('nav.outbox'), glyph: '📤', testid: 'nav-outbox' };
  const notes = {
    href: '/notifications',
    label: t('nav.notifications'),
    glyph: '🔔',
    testid: 'nav-notifications',
    count: unreadCount.value,
  };
  const report = { href: '/report', label: t('nav.report'), glyph: '➕', testid: 'nav-report' };
  const queue = { href: '/queue', label: t('nav.queue'), glyph: '📋', testid: 'nav-queue' };
  const review = { href: '/review', label: t('nav.review'), glyph: '🔍', testid: 'nav-review' };
  // Assessment and demand share one tab (a sub-nav on both pages): six tabs do not fit a 360 px phone.
  const figures = { href: '/assessment', label: t('nav.figures'), glyph: '📊', testid: 'nav-figures', also: ['/demand'] };
  switch (role) {
    case 'resident':
      // No outbox tab: the ⟳ badge in the top bar opens it while something waits.
      return [
        { href: '/cases', label: t('nav.cases'), glyph: '🏠', testid: 'nav-cases' },
        report,
        { href: '/board', label: t('nav.board'), glyph: '📢', testid: 'nav-board' },
        notes,
      ];
    case 'grid_worker':
      return [{ href: '/round', label: t('nav.round'), glyph: '🚪', testid: 'nav-round' }, queue, report, figures, outbox, notes];
    case 'provider_staff':
      return [queue, { href: '/tasks', label: t('nav.tasks'), glyph: '🤝', testid: 'nav-tasks' }, figures, outbox, notes];
    case 'party_reviewer':
      return [review, figures, outbox, notes];
    case 'officer':
      return [queue, review, figures, outbox, notes];
    case 'admin':
      // The console takes the outbox's place (the ⟳ badge opens it while something waits).
      return [queue, review, { href: '/console/users', label: t('nav.console'), glyph: '⚙️', testid: 'nav-console', also: ['/console'] }, figures, notes];
    default:
      return [queue, figures, outbox, notes];
  }
}

function BottomNav() {
  const { path } = useLocation();
  return (
    <nav class="bottomnav" aria-label={t('common.mainNav')}>
      {tabsFor(currentUser.value?.role).map((tab) => (
        <a
          key={tab.href}
          href={tab.href}
          data-testid={tab.testid}
          class={[tab.href, ...(tab.also ?? [])].some((h) => path === h || path.startsWith(h + '/')) ? 'active' : ''}
          aria-current={path === tab.href ? 'page' : undefined}
        >
          <span aria-hidden="true" class="tab-glyph">
            {tab.glyph}
            {!!tab.count && (
              <span class="nav-badge" data-testid={`${tab.testid}-count`}>
                {tab.count > 99 ? '99+' : tab.count}
              </span>
            )}
          </span>
          <span>{tab.label}</span>
          {!!tab.count && <span class="sr-only">{`, ${t('notifications.unreadCount', { n: tab.count })}`}</span>}
        </a>
      ))}
    </nav>
  );
}

export function UpdateBanner() {
  if (!updateReady.value) return null;
  return (
    <div class="banner" role="status" data-testid="update-banner">
      <span>{t('update.available')}</span>
      <button type="button" class="btn btn-primary" data-testid="update-apply" onClick={applyUpdate}>
        {t('update.reload')}
      </button>
      <button type="button" class="btn btn-ghost" onClick={() => (updateReady.value = false)}>
        {t('update.later')}
      </button>
    </div>
  );
}

/** One offline banner for the whole app; pages then say at most when their copy was saved. */
export function OfflineBanner() {
  if (online.value) return null;
  return (
    <div class="banner banner-offline" role="status" data-testid="offline-banner">
      {t('offline.banner')}
    </div>
  );
}

export function Shell({ children }: { children: ComponentChildren }) {
  useEffect(() => startInboxPolling(), []);
  useEffect(() => watchOnline(), []);
  return (
    <div class="shell">
      <Header />
      <OfflineBanner />
      {syncPaused.value && (
        <div class="banner banner-warn" role="alert">
          {t('header.paused')}
        </div>
      )}
      <main class="content" id="main">
        {children}
      </main>
      <BottomNav />
    </div>
  );
}

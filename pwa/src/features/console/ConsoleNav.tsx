import { useLocation } from 'preact-iso';
import { t } from '../../i18n';

/** The console's sections, one tab each; the bar wraps onto more lines on a phone. */
export function ConsoleNav() {
  const { path } = useLocation();
  const links = [
    { href: '/console/users', label: t('console.users'), testid: 'console-users' },
    { href: '/console/orgs', label: t('console.orgs'), testid: 'console-orgs' },
    { href: '/console/providers', label: t('console.providers'), testid: 'console-providers' },
    { href: '/console/duties', label: t('console.duties'), testid: 'console-duties' },
    { href: '/console/categories', label: t('console.categories'), testid: 'console-categories' },
    { href: '/console/sla', label: t('console.sla'), testid: 'console-sla' },
    { href: '/console/calendar', label: t('console.calendar'), testid: 'console-calendar' },
    { href: '/console/sheets', label: t('nav.sheets'), testid: 'console-sheets' },
    { href: '/console/audit', label: t('console.audit'), testid: 'console-audit' },
  ];
  return (
    <nav class="segbar" aria-label={t('console.title')}>
      {links.map((l) => (
        <a key={l.href} href={l.href} data-testid={l.testid} class={path === l.href ? 'segbar-on' : ''} aria-current={path === l.href ? 'page' : undefined}>
          {l.label}
        </a>
      ))}
    </nav>
  );
}

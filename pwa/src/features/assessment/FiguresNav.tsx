import { useLocation } from 'preact-iso';
import { t } from '../../i18n';
import { currentUser } from '../auth/session';

/** Assessment | demand: the two figures screens share one tab; a provider's staff sees only the first. */
export function FiguresNav() {
  const { path } = useLocation();
  if (currentUser.value?.role === 'provider_staff') return null;
  const links = [
    { href: '/assessment', label: t('assess.title'), testid: 'figures-assessment' },
    { href: '/demand', label: t('demand.title'), testid: 'figures-demand' },
  ];
  return (
    <nav class="segbar" aria-label={t('figures.nav')}>
      {links.map((l) => (
        <a key={l.href} href={l.href} data-testid={l.testid} class={path === l.href ? 'segbar-on' : ''} aria-current={path === l.href ? 'page' : undefined}>
          {l.label}
        </a>
      ))}
    </nav>
  );
}

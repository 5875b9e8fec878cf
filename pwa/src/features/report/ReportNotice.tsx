// What happened to the report just sent: said once, at the top of the screen the reporter
// lands on (their cases, or the grid worker's round), until they move on.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t } from '../../i18n';
import type { OutboxItem } from '../../offline/outbox-types';
import { useOutbox } from '../../ui/useOutbox';

export type NoticeKind = 'sent' | 'sending' | 'offline' | 'attention';

/** The notice for the outbox item of a new report (undefined: nothing to say yet). */
export function reportNotice(item: OutboxItem | undefined, online: boolean): { kind: NoticeKind; text: string } | undefined {
  if (!item) return undefined;
  if (item.state === 'sent') {
    const ref = (item.response as { reference?: string } | undefined)?.reference;
    return { kind: 'sent', text: ref ? t('report.noticeSent', { ref }) : t('report.noticeSentNoRef') };
  }
  if (item.state === 'needs_attention') return { kind: 'attention', text: t('report.noticeAttention') };
  if (!online || item.attempts > 0) return { kind: 'offline', text: t('report.noticeOffline') };
  return { kind: 'sending', text: t('report.noticeSending') };
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** Reads `?reported=<outbox id>` from the address (Report.tsx puts it there). */
export function ReportNotice() {
  const { query } = useLocation();
  const outbox = useOutbox();
  const online = useOnline();
  const id = query.reported;
  const notice = id ? reportNotice(outbox.find((i) => i.id === id && i.kind === 'create_case'), online) : undefined;
  if (!notice) return null;
  return (
    <p class={notice.kind === 'attention' ? 'note note-warn' : 'note'} role="status" data-testid="report-notice" data-kind={notice.kind}>
      {notice.text}
    </p>
  );
}

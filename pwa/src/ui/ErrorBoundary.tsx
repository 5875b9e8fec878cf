// A render error must not blank the app: say what happened in the user's language, offer
// a way on, and leave the outbox alone (nothing here touches IndexedDB).
import { Component, type ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { t, tn } from '../i18n';
import { outboxCounts } from '../offline/outbox';

function Crash({ error, onHome }: { error: unknown; onHome: (route: (url: string) => void) => void }) {
  const { route } = useLocation();
  const { pending } = outboxCounts.value;
  const technical = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return (
    <section class="page crash" role="alert" data-testid="crash">
      <h1>{t('crash.title')}</h1>
      <p>{t('crash.body')}</p>
      {pending > 0 && (
        <p class="note" data-testid="crash-pending">
          {tn('crash.pending', pending)}
        </p>
      )}
      <div class="seg wrap">
        <button type="button" class="btn btn-primary" data-testid="crash-reload" onClick={() => location.reload()}>
          {t('crash.reload')}
        </button>
        <button type="button" class="btn btn-secondary" data-testid="crash-home" onClick={() => onHome(route)}>
          {t('crash.home')}
        </button>
      </div>
      <details class="crash-details">
        <summary>{t('crash.details')}</summary>
        {/* The error's own words, for whoever supports the user: marked as English. */}
        <pre lang="en">{technical}</pre>
      </details>
    </section>
  );
}

interface Props {
  children: ComponentChildren;
  /** A new value (the route) clears the error: moving on from the broken page. */
  resetKey?: string;
}

export class ErrorBoundary extends Component<Props, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  componentDidCatch(error: unknown) {
    console.error('render error', error);
  }

  componentDidUpdate(prev: Props) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  render() {
    if (this.state.error === null || this.state.error === undefined) return this.props.children;
    return (
      <Crash
        error={this.state.error}
        onHome={(route) => {
          this.setState({ error: null });
          route('/');
        }}
      />
    );
  }
}

import { render } from 'preact';
import { App } from './app';
import { bootSession } from './features/auth/session';
import { applyDocumentLocale, loadLocale, locale } from './i18n';
import { registerServiceWorker } from './offline/sw-bridge';
import './ui/app.css';

bootSession();
// An English reader's dictionary first (a moment, once); Chinese is in this bundle.
void loadLocale(locale.value)
  .catch(() => undefined) // offline before the chunk was ever kept: Chinese, until it arrives
  .then(() => {
    applyDocumentLocale();
    render(<App />, document.getElementById('app')!);
  });
registerServiceWorker();

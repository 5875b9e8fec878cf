import { render } from 'preact';
import { App } from './app';
import { bootSession } from './features/auth/session';
import { applyDocumentLocale } from './i18n';
import { registerServiceWorker } from './offline/sw-bridge';
import './ui/app.css';

applyDocumentLocale();
bootSession();
render(<App />, document.getElementById('app')!);
registerServiceWorker();

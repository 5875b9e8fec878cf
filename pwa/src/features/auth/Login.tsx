import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, NetworkError, getSession } from '../../api';
import { t } from '../../i18n';
import { LangToggle } from '../../ui/Shell';
import { signedIn } from './session';

export function LoginForm({ onDone, presetUsername }: { onDone?: () => void; presetUsername?: string }) {
  const [username, setUsername] = useState(presetUsername ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signedIn(await api.login({ username: username.trim(), password }));
      onDone?.();
    } catch (err) {
      if (err instanceof NetworkError) setError(t('auth.offline'));
      else if (err instanceof ApiError && err.status === 429) setError(t('auth.rateLimited'));
      else if (err instanceof ApiError && (err.status === 401 || err.status === 422 || err.status === 400))
        setError(t('auth.badCredentials'));
      else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit}>
      <label class="field">
        <span>{t('auth.username')}</span>
        <input
          data-testid="login-username"
          name="username"
          autocomplete="username"
          inputMode="text"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('auth.password')}</span>
        <input
          data-testid="login-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button class="btn btn-primary btn-block" data-testid="login-submit" type="submit" disabled={busy}>
        {t('auth.submit')}
      </button>
    </form>
  );
}

export function LoginPage() {
  const { route } = useLocation();
  return (
    <div class="auth-page">
      <div class="auth-top">
        <span class="brand">{t('app.name')}</span>
        <LangToggle />
      </div>
      <h1>{t('auth.loginTitle')}</h1>
      <LoginForm onDone={() => route('/', true)} />
      <p>
        <a href="/register" data-testid="to-register">
          {t('auth.toRegister')}
        </a>
      </p>
    </div>
  );
}

/** Over the app when the tokens were refused: the outbox waits, nothing is lost. */
export function ReloginDialog() {
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="relogin-title" data-testid="relogin">
      <div class="dialog">
        <h2 id="relogin-title">{t('auth.expiredTitle')}</h2>
        <p>{t('auth.expiredBody')}</p>
        <LoginForm presetUsername={getSession()?.user.username} />
      </div>
    </div>
  );
}

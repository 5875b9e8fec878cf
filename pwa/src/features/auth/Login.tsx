import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, NetworkError, getSession } from '../../api';
import { t } from '../../i18n';
import { TextField } from '../../ui/form';
import { LangToggle } from '../../ui/Shell';
import { useSubmit } from '../../ui/useSubmit';
import { signedIn } from './session';

export function LoginForm({ onDone, presetUsername }: { onDone?: () => void; presetUsername?: string }) {
  const [username, setUsername] = useState(presetUsername ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      await signedIn(await api.login({ username: username.trim(), password }));
      onDone?.();
    },
    (err) => {
      if (err instanceof NetworkError) return t('auth.offline');
      if (err instanceof ApiError && err.status === 429) return t('auth.rateLimited');
      if (err instanceof ApiError && (err.status === 401 || err.status === 422 || err.status === 400))
        return t('auth.badCredentials');
      return err instanceof ApiError ? err.message : String(err);
    },
  );

  return (
    <form class="form" onSubmit={submit}>
      <TextField
        label={t('auth.username')}
        data-testid="login-username"
        name="username"
        autocomplete="username"
        inputMode="text"
        required
        value={username}
        onValue={setUsername}
      />
      <TextField
        label={t('auth.password')}
        data-testid="login-password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        value={password}
        onValue={setPassword}
      />
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

import { useState } from 'preact/hooks';
import { ApiError, api, getSession } from '../../api';
import { t } from '../../i18n';
import { TextField } from '../../ui/form';
import { LangToggle } from '../../ui/Shell';
import { fieldErrorsByName, errorMessage } from '../../ui/problems';
import { signedIn, signOut } from './session';

/** After a password reset: the one-time password is replaced before anything else. */
export function ChangePasswordPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tokens = await api.changePassword({ current_password: current, new_password: next });
      const user = getSession()?.user;
      if (user) await signedIn({ ...tokens, user: { ...user, must_change_password: false } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <div class="auth-top">
        <span class="brand">{t('app.name')}</span>
        <LangToggle />
      </div>
      <h1>{t('password.title')}</h1>
      <p class="note">{t('password.explain')}</p>
      <form class="form" onSubmit={submit} data-testid="password-form">
        <TextField label={t('password.current')} type="password" autocomplete="current-password" required value={current} onValue={setCurrent} errors={errors.current_password} data-testid="password-current" />
        <TextField label={t('password.new')} type="password" autocomplete="new-password" required value={next} onValue={setNext} errors={errors.new_password} data-testid="password-new" />
        {error && !Object.keys(errors).length ? <p class="error" role="alert">{errorMessage(error)}</p> : null}
        <button class="btn btn-primary btn-block" type="submit" disabled={busy} data-testid="password-submit">
          {t('password.submit')}
        </button>
        <button class="btn btn-secondary btn-block" type="button" onClick={() => void signOut()}>
          {t('password.signOut')}
        </button>
      </form>
    </div>
  );
}

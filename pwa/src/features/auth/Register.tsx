import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, messagesOf, NetworkError, type Org } from '../../api';
import { orgName, t } from '../../i18n';
import { LangToggle } from '../../ui/Shell';
import { signedIn } from './session';

export function RegisterPage() {
  const { route } = useLocation();
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [community, setCommunity] = useState('');
  const [grid, setGrid] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.orgs().then(setOrgs, () => setOrgs([]));
  }, []);
  const communities = useMemo(() => orgs.filter((o) => o.kind === 'community'), [orgs]);
  const grids = useMemo(() => orgs.filter((o) => o.kind === 'grid' && String(o.parent_id) === community), [orgs, community]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setErrors({});
    try {
      const orgId = Number(grid || community);
      await signedIn(await api.register({ phone: phone.trim(), password, display_name: name.trim(), org_id: orgId }));
      route('/', true);
    } catch (err) {
      if (err instanceof NetworkError) setError(t('auth.offline'));
      else if (err instanceof ApiError) {
        setErrors(
          Object.fromEntries(Object.entries(err.problem.errors ?? {}).map(([k, v]) => [k, [messagesOf(v)]])),
        );
        setError(err.problem.detail || err.problem.title || String(err.status));
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  const fieldErr = (f: string) =>
    errors[f] ? (
      <span class="field-error" role="alert">
        {errors[f].join(' ')}
      </span>
    ) : null;

  return (
    <div class="auth-page">
      <div class="auth-top">
        <span class="brand">{t('app.name')}</span>
        <LangToggle />
      </div>
      <h1>{t('auth.registerTitle')}</h1>
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>{t('auth.phone')}</span>
          <input
            data-testid="register-phone"
            type="tel"
            inputMode="tel"
            autocomplete="tel"
            required
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
          {fieldErr('phone')}
        </label>
        <label class="field">
          <span>{t('auth.displayName')}</span>
          <input
            data-testid="register-name"
            autocomplete="name"
            required
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {fieldErr('display_name')}
        </label>
        <label class="field">
          <span>{t('auth.password')}</span>
          <input
            data-testid="register-password"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          {fieldErr('password')}
        </label>
        <label class="field">
          <span>{t('report.community')}</span>
          <select
            data-testid="register-community"
            required
            value={community}
            onChange={(e) => {
              setCommunity(e.currentTarget.value);
              setGrid('');
            }}
          >
            <option value="">{t('report.chooseOrg')}</option>
            {communities.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {orgName(o)}
              </option>
            ))}
          </select>
        </label>
        {grids.length > 0 && (
          <label class="field">
            <span>{t('report.grid')}</span>
            <select data-testid="register-grid" value={grid} onChange={(e) => setGrid(e.currentTarget.value)}>
              <option value="">{t('report.chooseOrg')}</option>
              {grids.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {orgName(o)}
                </option>
              ))}
            </select>
          </label>
        )}
        {fieldErr('org_id')}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="btn btn-primary btn-block" data-testid="register-submit" type="submit" disabled={busy}>
          {t('auth.registerSubmit')}
        </button>
      </form>
      <p>
        <a href="/login">{t('auth.toLogin')}</a>
      </p>
    </div>
  );
}

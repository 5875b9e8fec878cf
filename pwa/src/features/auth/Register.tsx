import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, NetworkError, type Org } from '../../api';
import { fieldErrorsByName, problemMessage } from '../../ui/problems';
import { t } from '../../i18n';
import { FieldError, TextField } from '../../ui/form';
import { LangToggle } from '../../ui/Shell';
import { useSubmit } from '../../ui/useSubmit';
import { communitiesOf, gridsOf, OrgSelect } from '../report/OrgPicker';
import { signedIn } from './session';

export function RegisterPage() {
  const { route } = useLocation();
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [codeNote, setCodeNote] = useState('');
  const [cooldown, setCooldown] = useState(0);
  const [sending, setSending] = useState(false);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [community, setCommunity] = useState('');
  const [grid, setGrid] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});

  useEffect(() => {
    api.orgs().then(setOrgs, () => setOrgs([]));
  }, []);
  useEffect(() => {
    if (cooldown <= 0) return;
    const timer = setTimeout(() => setCooldown(cooldown - 1), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);
  const communities = useMemo(() => communitiesOf(orgs), [orgs]);
  const grids = useMemo(() => gridsOf(orgs, community), [orgs, community]);

  // The server answers alike whether or not the number has an account; so does this screen.
  const sendCode = async () => {
    setCodeNote('');
    setErrors({});
    if (!phone.trim()) {
      setErrors({ phone: [t('auth.phoneFirst')] });
      return;
    }
    setSending(true);
    try {
      await api.verificationCode({ phone: phone.trim() });
      setCodeNote(t('auth.codeSent'));
      setCooldown(60);
    } catch (err) {
      if (err instanceof NetworkError) setCodeNote(t('auth.offline'));
      else if (err instanceof ApiError && err.status === 429) {
        setCodeNote(t('auth.rateLimited'));
        setCooldown(err.retryAfterMs ? Math.ceil(err.retryAfterMs / 1000) : 60);
      } else if (err instanceof ApiError) setErrors(fieldErrorsByName(err.problem));
      else setCodeNote(String(err));
    } finally {
      setSending(false);
    }
  };

  const { busy, error, submit } = useSubmit(
    async () => {
      setErrors({});
      const orgId = Number(grid || community);
      await signedIn(
        await api.register({
          phone: phone.trim(),
          code: code.trim(),
          password,
          display_name: name.trim(),
          org_id: orgId,
        }),
      );
      route('/', true);
    },
    (err) => {
      if (err instanceof NetworkError) return t('auth.offline');
      if (err instanceof ApiError && err.status === 429) return t('auth.rateLimited');
      if (err instanceof ApiError) {
        setErrors(fieldErrorsByName(err.problem));
        return problemMessage(err.status, err.problem);
      }
      return String(err);
    },
  );

  return (
    <div class="auth-page">
      <div class="auth-top">
        <span class="brand">{t('app.name')}</span>
        <LangToggle />
      </div>
      <h1>{t('auth.registerTitle')}</h1>
      <form class="form" onSubmit={submit}>
        <TextField
          label={t('auth.phone')}
          data-testid="register-phone"
          type="tel"
          inputMode="tel"
          autocomplete="tel"
          required
          value={phone}
          onValue={setPhone}
          errors={errors.phone}
        />
        <div class="row2">
          <TextField
            label={t('auth.code')}
            data-testid="register-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={code}
            onValue={setCode}
            errors={errors.code}
          />
          <button
            class="btn btn-secondary"
            style={{ alignSelf: 'end', marginBottom: '0.5rem' }}
            data-testid="register-send-code"
            type="button"
            disabled={sending || cooldown > 0}
            onClick={sendCode}
          >
            {cooldown > 0 ? t('auth.resendIn', { n: cooldown }) : t('auth.sendCode')}
          </button>
        </div>
        {codeNote && (
          <p class="note" role="status" data-testid="register-code-note">
            {codeNote}
          </p>
        )}
        <TextField
          label={t('auth.displayName')}
          data-testid="register-name"
          autocomplete="name"
          required
          value={name}
          onValue={setName}
          errors={errors.display_name}
        />
        <TextField
          label={t('auth.password')}
          data-testid="register-password"
          type="password"
          autocomplete="new-password"
          required
          minLength={8}
          value={password}
          onValue={setPassword}
          errors={errors.password}
        />
        <OrgSelect
          label={t('report.community')}
          testid="register-community"
          required
          orgs={communities}
          value={community}
          onChange={(id) => {
            setCommunity(id);
            setGrid('');
          }}
        />
        {grids.length > 0 && (
          <OrgSelect label={t('report.grid')} testid="register-grid" orgs={grids} value={grid} onChange={setGrid} />
        )}
        <FieldError messages={errors.org_id} />
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

// One's own account: the name others see, the language of this device, a new password
// (other devices are signed out) and signing out everywhere. These need the server's
// answer at once, so they are sent directly, not through the outbox, and wait for a
// connection.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, getSession, setSession, updateTokens } from '../../api';
import { locale, setLocale, t } from '../../i18n';
import { online } from '../../offline/online';
import { pushSubscribed, pushSupported, setPush, syncPushLanguage } from './push';
import { TextField } from '../../ui/form';
import { Page } from '../../ui/bits';
import { errorMessage, fieldErrorsByName } from '../../ui/problems';
import { currentUser, signOut } from './session';

type Said = { ok: boolean; text: string } | null;

function Status({ said, testid }: { said: Said; testid: string }) {
  if (!said) return null;
  return (
    <p class={said.ok ? 'note' : 'error'} role={said.ok ? 'status' : 'alert'} data-testid={testid}>
      {said.text}
    </p>
  );
}

function fieldErrors(err: unknown): Record<string, string[]> {
  return err instanceof ApiError ? fieldErrorsByName(err.problem) : {};
}

function NameForm() {
  const [name, setName] = useState(currentUser.value?.display_name ?? '');
  const [said, setSaid] = useState<Said>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const user = await api.updateProfile({ display_name: name.trim() });
      const s = getSession();
      if (s) setSession({ ...s, user });
      currentUser.value = user;
      setErrors({});
      setSaid({ ok: true, text: t('profile.nameSaved') });
    } catch (err) {
      setErrors(fieldErrors(err));
      setSaid({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="profile-name-title">
      <h2 id="profile-name-title">{t('profile.nameTitle')}</h2>
      <TextField
        label={t('profile.name')}
        data-testid="profile-name"
        value={name}
        onValue={setName}
        maxLength={80}
        autocomplete="nickname"
        errors={errors.display_name}
      />
      <Status said={said} testid="profile-name-status" />
      <button type="submit" class="btn btn-primary" data-testid="profile-name-save" disabled={!online.value}>
        {t('profile.save')}
      </button>
    </form>
  );
}

function PasswordForm() {
  const [old, setOld] = useState('');
  const [next, setNext] = useState('');
  const [said, setSaid] = useState<Said>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      updateTokens(await api.changePassword({ current_password: old, new_password: next }));
      setOld('');
      setNext('');
      setErrors({});
      setSaid({ ok: true, text: t('profile.passwordChanged') });
    } catch (err) {
      setErrors(fieldErrors(err));
      setSaid({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="profile-password-title">
      <h2 id="profile-password-title">{t('profile.passwordTitle')}</h2>
      <TextField
        label={t('profile.oldPassword')}
        type="password"
        autocomplete="current-password"
        data-testid="profile-old-password"
        value={old}
        onValue={setOld}
        required
        errors={errors.current_password}
      />
      <TextField
        label={t('profile.newPassword')}
        type="password"
        autocomplete="new-password"
        minLength={8}
        data-testid="profile-new-password"
        value={next}
        onValue={setNext}
        required
        errors={errors.new_password}
      />
      <p class="muted">{t('profile.passwordHint')}</p>
      <Status said={said} testid="profile-password-status" />
      <button type="submit" class="btn btn-primary" data-testid="profile-password-save" disabled={!online.value}>
        {t('profile.passwordSave')}
      </button>
    </form>
  );
}

/** A new number: a code is texted to it (only to a number without an account), then entered. */
function PhoneForm() {
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [said, setSaid] = useState<Said>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const fail = (err: unknown) => {
    setErrors(fieldErrors(err));
    setSaid({ ok: false, text: errorMessage(err) });
  };
  const sendCode = async () => {
    try {
      await api.verificationCode({ phone: phone.trim() });
      setErrors({});
      setSaid({ ok: true, text: t('profile.codeSent') });
    } catch (err) {
      fail(err);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const user = await api.changePhone({ phone: phone.trim(), code: code.trim() });
      const s = getSession();
      if (s) setSession({ ...s, user });
      currentUser.value = user;
      setCode('');
      setErrors({});
      setSaid({ ok: true, text: t('profile.phoneChanged', { phone: user.phone ?? '' }) });
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="form card-pad" onSubmit={submit} aria-labelledby="profile-phone-title">
      <h2 id="profile-phone-title">{t('profile.phoneTitle')}</h2>
      <TextField
        label={t('profile.newPhone')}
        type="tel"
        autocomplete="tel"
        data-testid="profile-phone"
        value={phone}
        onValue={setPhone}
        required
        errors={errors.phone}
      />
      <button type="button" class="btn btn-secondary" data-testid="profile-phone-code" disabled={!online.value || !phone.trim()} onClick={() => void sendCode()}>
        {t('auth.sendCode')}
      </button>
      <TextField
        label={t('auth.code')}
        inputMode="numeric"
        autocomplete="one-time-code"
        maxLength={6}
        data-testid="profile-phone-verify"
        value={code}
        onValue={setCode}
        required
        errors={errors.code}
      />
      <Status said={said} testid="profile-phone-status" />
      <button type="submit" class="btn btn-primary" data-testid="profile-phone-save" disabled={!online.value}>
        {t('profile.phoneSave')}
      </button>
    </form>
  );
}

function Everywhere() {
  const [asking, setAsking] = useState(false);
  const [said, setSaid] = useState<Said>(null);
  const go = async () => {
    try {
      await api.signOutEverywhere();
      await signOut();
    } catch (err) {
      setSaid({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <section class="card-pad" aria-labelledby="profile-everywhere-title">
      <h2 id="profile-everywhere-title">{t('profile.everywhereTitle')}</h2>
      <p class="muted">{t('profile.everywhereHint')}</p>
      <Status said={said} testid="profile-everywhere-status" />
      {!asking ? (
        <button type="button" class="btn btn-secondary" data-testid="profile-everywhere" disabled={!online.value} onClick={() => setAsking(true)}>
          {t('profile.everywhere')}
        </button>
      ) : (
        <div class="seg wrap">
          <button type="button" class="btn btn-ghost" onClick={() => setAsking(false)}>
            {t('common.cancel')}
          </button>
          <button type="button" class="btn btn-danger" data-testid="profile-everywhere-confirm" onClick={() => void go()}>
            {t('profile.everywhereConfirm')}
          </button>
        </div>
      )}
    </section>
  );
}

/** Push on this device: permission, a subscription through the service worker, posted to the server. */
function PushForm() {
  const resident = currentUser.value?.role === 'resident';
  const supported = pushSupported();
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<Said>(null);
  useEffect(() => {
    if (supported) void pushSubscribed().then(setOn);
  }, [supported]);
  const language = locale.value;
  useEffect(() => {
    if (on) void syncPushLanguage(language).catch(() => undefined); // the next visit retries
  }, [language]);
  const toggle = async (want: boolean) => {
    setBusy(true);
    try {
      const outcome = await setPush(want, locale.value);
      setOn(outcome === 'on');
      setSaid({ ok: outcome === 'on' || outcome === 'off', text: t(`profile.push.${outcome}`) });
    } catch (err) {
      setSaid({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card-pad" aria-labelledby="profile-push-title">
      <h2 id="profile-push-title">{t('profile.pushTitle')}</h2>
      {supported ? (
        <label class="check">
          <input
            type="checkbox"
            data-testid="profile-push"
            checked={on}
            disabled={busy || !online.value}
            onChange={(e) => void toggle(e.currentTarget.checked)}
          />
          <span>{t('profile.push')}</span>
        </label>
      ) : (
        <p class="note" data-testid="profile-push-unsupported">
          {t(resident ? 'profile.pushUnsupported' : 'profile.pushUnsupportedStaff')}
        </p>
      )}
      <p class="muted">{t(resident ? 'profile.pushHint' : 'profile.pushHintStaff')}</p>
      <Status said={said} testid="profile-push-status" />
    </section>
  );
}

export default function ProfilePage() {
  const user = currentUser.value;
  return (
    <Page title={t('profile.title')}>
      {user && (
        <p class="muted" data-testid="profile-account">
          {[user.username, user.phone, t(`role.${user.role}`)].filter(Boolean).join(' · ')}
        </p>
      )}
      {!online.value && <p class="note note-warn">{t('profile.needsOnline')}</p>}
      <NameForm />
      <section class="card-pad" aria-labelledby="profile-lang-title">
        <h2 id="profile-lang-title">{t('profile.languageTitle')}</h2>
        <div class="seg" role="group" aria-labelledby="profile-lang-title">
          {(['zh-CN', 'en'] as const).map((l) => (
            <button
              type="button"
              key={l}
              lang={l}
              class={`btn ${locale.value === l ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={locale.value === l}
              data-testid={`profile-lang-${l}`}
              onClick={() => setLocale(l)}
            >
              {t(`profile.lang.${l}`)}
            </button>
          ))}
        </div>
        <p class="muted">{t('profile.languageHint')}</p>
      </section>
      <PushForm />
      <PhoneForm />
      <PasswordForm />
      <Everywhere />
    </Page>
  );
}

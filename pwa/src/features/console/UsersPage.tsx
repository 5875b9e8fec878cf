import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Org, type Role, type User } from '../../api';
import { orgName, t, type MessageKey } from '../../i18n';
import { ErrorText, Page } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { SearchBar } from '../../ui/SearchBar';
import { errorMessage, fieldErrorsByName } from '../../ui/problems';
import { currentUser } from '../auth/session';
import { consoleApi, type ManagedProvider } from './api';
import { ConsoleNav } from './ConsoleNav';
import { subtree } from './tree';

/** An action on an account, run when its button is pressed. */
interface Task {
  (): Promise<void>;
}

const ROLES: Role[] = ['resident', 'grid_worker', 'provider_staff', 'dispatcher', 'officer', 'party_reviewer', 'admin'];

function roleLabel(role: Role): string {
  return t(`role.${role}` as MessageKey);
}

function NewUserForm({ orgs, providers, onCreated }: { orgs: Org[]; providers: ManagedProvider[]; onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<Role>('dispatcher');
  const [orgId, setOrgId] = useState(String(orgs[0]?.id ?? ''));
  const [providerId, setProviderId] = useState(String(providers[0]?.id ?? ''));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await consoleApi.createUser({
        username: username.trim(),
        display_name: displayName.trim(),
        password,
        role,
        org_id: Number(orgId),
        phone: phone.trim() || null,
        provider_id: role === 'provider_staff' ? Number(providerId) : null,
      });
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card-pad" onSubmit={submit} data-testid="user-create-form">
      <TextField label={t('console.username')} name="username" required value={username} onValue={setUsername} errors={errors.username} data-testid="user-new-username" />
      <TextField label={t('console.displayName')} name="display_name" required value={displayName} onValue={setDisplayName} errors={errors.display_name} data-testid="user-new-name" />
      <TextField label={t('console.initialPassword')} name="password" type="password" autocomplete="new-password" required value={password} onValue={setPassword} errors={errors.password} data-testid="user-new-password" />
      <TextField label={t('console.phone')} name="phone" inputMode="tel" value={phone} onValue={setPhone} errors={errors.phone} data-testid="user-new-phone" />
      <label class="field">
        <span>{t('console.role')}</span>
        <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} data-testid="user-new-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t('console.org')}</span>
        <select value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)} data-testid="user-new-org">
          {orgs.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {orgName(o)}
            </option>
          ))}
        </select>
        {errors.org_id && <span class="field-error">{errors.org_id.join(' ')}</span>}
      </label>
      {role === 'provider_staff' && (
        <label class="field">
          <span>{t('console.provider')}</span>
          <select value={providerId} onChange={(e) => setProviderId(e.currentTarget.value)} data-testid="user-new-provider">
            {providers.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
          {errors.provider_id && <span class="field-error">{errors.provider_id.join(' ')}</span>}
        </label>
      )}
      {error && !Object.keys(errors).length ? <ErrorText error={error} /> : null}
      <button class="btn btn-primary" type="submit" disabled={busy} data-testid="user-new-submit">
        {t('console.createUser')}
      </button>
    </form>
  );
}

function UserItem({ user, orgs, onChanged }: { user: User; orgs: Map<number, Org>; onChanged: (u: User) => void }) {
  const [oneTime, setOneTime] = useState('');
  const [error, setError] = useState<unknown>(null);
  const own = currentUser.value?.id === user.id;
  const act = async (fn: Task) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  const toggle = () => act(async () => onChanged(await consoleApi.updateUser(user.id, { active: !user.active })));
  const reset = () =>
    act(async () => {
      setOneTime((await consoleApi.resetPassword(user.id)).one_time_password);
      onChanged({ ...user, must_change_password: true });
    });
  return (
    <li class="card card-pad console-row" data-testid="user-item" data-username={user.username} data-active={String(user.active)}>
      <span class="console-main">
        <strong>{user.display_name}</strong> <span class="muted">{user.username}</span>
        <span class="muted">
          {[roleLabel(user.role), orgName(orgs.get(user.org_id)), user.phone].filter(Boolean).join(' · ')}
        </span>
        {!user.active && <span class="badge" data-testid="user-inactive">{t('console.inactive')}</span>}
        {user.must_change_password && <span class="badge">{t('console.mustChange')}</span>}
      </span>
      {!own && (
        <span class="console-actions">
          <button type="button" class="btn btn-secondary" onClick={toggle} data-testid="user-toggle">
            {user.active ? t('console.deactivate') : t('console.reactivate')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={reset} data-testid="user-reset">
            {t('console.resetPassword')}
          </button>
        </span>
      )}
      {oneTime && (
        <p class="note" role="status">
          {t('console.oneTimePassword')} <code data-testid="one-time-password">{oneTime}</code>
        </p>
      )}
      {error ? <p class="error" role="alert">{errorMessage(error)}</p> : null}
    </li>
  );
}

export default function UsersPage() {
  const me = currentUser.value;
  const [args, setArgs] = useState<{ q?: string; role?: Role }>({});
  const [users, setUsers] = useState<User[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [providers, setProviders] = useState<ManagedProvider[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);

  const load = async (more = false) => {
    try {
      const page = await consoleApi.users({ ...args, limit: 50, ...(more && cursor ? { cursor: Number(cursor) } : {}) });
      setUsers(more ? [...(users ?? []), ...page.items] : page.items);
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [args]);
  useEffect(() => {
    consoleApi.orgs().then(setOrgs, setError);
    consoleApi.providers().then(setProviders, setError);
  }, []);
  const mine = useMemo(() => (me ? subtree(orgs, me.org_id) : []), [orgs, me]);
  const byId = useMemo(() => new Map(orgs.map((o) => [o.id, o])), [orgs]);

  return (
    <Page title={t('console.users')} wide actions={<ConsoleNav />}>
      <SearchBar
        label={t('console.search')}
        placeholder={t('console.searchHint')}
        testid="user-search"
        filter={{ label: t('console.role'), anyLabel: t('console.anyRole'), options: ROLES.map((r) => ({ value: r, label: roleLabel(r) })), testid: 'user-role-filter' }}
        onSearch={(q, r) => setArgs({ ...(q ? { q } : {}), ...(r ? { role: r as Role } : {}) })}
      >
        <button class="btn btn-secondary" type="button" onClick={() => setCreating(!creating)} data-testid="user-new">
          {creating ? t('common.cancel') : t('console.newUser')}
        </button>
      </SearchBar>
      {creating && mine.length > 0 && (
        <NewUserForm
          orgs={mine}
          providers={providers}
          onCreated={() => {
            setCreating(false);
            void load();
          }}
        />
      )}
      {error ? <ErrorText error={error} /> : null}
      {users === null && !error && <p class="muted">{t('common.loading')}</p>}
      {users?.length === 0 && <p class="note">{args.q || args.role ? t('console.noMatch') : t('console.noUsers')}</p>}
      <ul class="list" data-testid="user-list">
        {(users ?? []).map((u) => (
          <UserItem key={u.id} user={u} orgs={byId} onChanged={(changed) => setUsers((users ?? []).map((x) => (x.id === changed.id ? changed : x)))} />
        ))}
      </ul>
      {cursor && (
        <button class="btn btn-secondary" type="button" onClick={() => void load(true)}>
          {t('console.more')}
        </button>
      )}
    </Page>
  );
}

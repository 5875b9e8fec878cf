// A provider's staff accounts on the providers screen: who they are, deactivate / reactivate, and a new
// account for the unit, whose one-time password is shown once (changed at first sign-in).
import { useEffect, useState } from 'preact/hooks';
import type { Org, User } from '../../api';
import { orgName, t, type MessageKey } from '../../i18n';
import { ErrorText } from '../../ui/bits';
import { TextField } from '../../ui/form';
import { consoleApi, type ManagedProvider } from './api';
import { useRun } from './useRun';

/** A password nobody learns: the account is created with it, then given a one-time password. */
function unknowable(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function StaffItem({ user, orgs, onChanged }: { user: User; orgs: Map<number, Org>; onChanged: (u: User) => void }) {
  const { general, run } = useRun();
  const toggle = () => run(async () => onChanged(await consoleApi.updateUser(user.id, { active: !user.active })));
  return (
    <li class="card card-pad console-row" data-testid="staff-item" data-username={user.username} data-active={String(user.active)}>
      <span class="console-main">
        <strong>{user.display_name}</strong>
        <span class="muted">{[user.username, t(`role.${user.role}` as MessageKey), orgName(orgs.get(user.org_id))].join(' · ')}</span>
        {!user.active && <span class="badge">{t('console.inactive')}</span>}
        {user.must_change_password && <span class="badge">{t('console.mustChange')}</span>}
      </span>
      <span class="console-actions">
        <button type="button" class="btn btn-secondary" onClick={() => void toggle()} data-testid="staff-toggle">
          {user.active ? t('console.deactivate') : t('console.reactivate')}
        </button>
      </span>
      {general ? <ErrorText error={general} /> : null}
    </li>
  );
}

function NewStaffForm({ provider, orgs, onCreated }: { provider: ManagedProvider; orgs: Org[]; onCreated: (u: User, password: string) => void }) {
  const home = orgs.find((o) => provider.coverage.includes(o.id)) ?? orgs[0];
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [phone, setPhone] = useState('');
  const [orgId, setOrgId] = useState(String(home?.id ?? ''));
  const { fields, general, run } = useRun();
  const submit = (e: Event) =>
    run(async () => {
      const user = await consoleApi.createUser({
        username: username.trim(),
        display_name: displayName.trim(),
        password: unknowable(),
        role: 'provider_staff',
        org_id: Number(orgId),
        phone: phone.trim() || null,
        provider_id: provider.id,
      });
      const { one_time_password } = await consoleApi.resetPassword(user.id);
      onCreated({ ...user, must_change_password: true }, one_time_password);
    }, e);
  return (
    <form class="form card-pad console-edit" onSubmit={submit} data-testid="staff-form">
      <p class="muted">{t('staff.formHint', { provider: provider.name })}</p>
      <TextField label={t('console.username')} required value={username} onValue={setUsername} errors={fields.username} data-testid="staff-username" />
      <TextField label={t('console.displayName')} required value={displayName} onValue={setDisplayName} errors={fields.display_name} data-testid="staff-name" />
      <TextField label={t('console.phone')} inputMode="tel" value={phone} onValue={setPhone} errors={fields.phone} data-testid="staff-phone" />
      <label class="field">
        <span>{t('console.org')}</span>
        <select value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)} data-testid="staff-org">
          {orgs.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {orgName(o)}
            </option>
          ))}
        </select>
        {fields.org_id && <span class="field-error">{fields.org_id.join(' ')}</span>}
      </label>
      {fields.provider_id && <span class="field-error">{fields.provider_id.join(' ')}</span>}
      {general ? <ErrorText error={general} /> : null}
      <button class="btn btn-primary" type="submit" data-testid="staff-submit">
        {t('console.createUser')}
      </button>
    </form>
  );
}

export function ProviderStaff({ provider, orgs, byId }: { provider: ManagedProvider; orgs: Org[]; byId: Map<number, Org> }) {
  const [staff, setStaff] = useState<User[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  const load = async (more = false) => {
    try {
      const page = await consoleApi.users({ provider_id: provider.id, limit: 50, ...(more && cursor ? { cursor: Number(cursor) } : {}) });
      setStaff(more ? [...(staff ?? []), ...page.items] : page.items);
      setCursor(page.next_cursor);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [provider.id]);
  return (
    <div class="console-edit" data-testid="provider-staff">
      <h3>{t('staff.title')}</h3>
      {error ? <ErrorText error={error} /> : null}
      {staff?.length === 0 && <p class="note">{t('staff.none')}</p>}
      {created && (
        <p class="note" role="status" data-testid="staff-created">
          {t('staff.created', { username: created.username })} <code data-testid="one-time-password">{created.password}</code>
        </p>
      )}
      <ul class="list">
        {(staff ?? []).map((u) => (
          <StaffItem key={u.id} user={u} orgs={byId} onChanged={(c) => setStaff((staff ?? []).map((x) => (x.id === c.id ? c : x)))} />
        ))}
      </ul>
      {cursor && (
        <button class="btn btn-secondary" type="button" onClick={() => void load(true)}>
          {t('console.more')}
        </button>
      )}
      <button class="btn btn-secondary" type="button" onClick={() => setAdding(!adding)} data-testid="staff-new">
        {adding ? t('common.cancel') : t('staff.add')}
      </button>
      {adding && orgs.length > 0 && (
        <NewStaffForm
          provider={provider}
          orgs={orgs}
          onCreated={(u, password) => {
            setAdding(false);
            setCreated({ username: u.username, password });
            setStaff([u, ...(staff ?? [])]);
          }}
        />
      )}
    </div>
  );
}

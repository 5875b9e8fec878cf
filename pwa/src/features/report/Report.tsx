import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { CaseCreate, Category } from '../../api/types';
import { t } from '../../i18n';
import { answersOf, ExtraFields } from './ExtraFields';
import { reads } from '../../offline/cache';
import { reportCase } from '../../offline/outbox';
import type { StoredFile } from '../../offline/outbox-types';
import { requestBackgroundSync } from '../../offline/sw-bridge';
import { Page } from '../../ui/bits';
import { categoryGlyph, categoryLabel, DEFAULT_CATEGORIES } from '../../ui/categories';
import { TextAreaField, TextField } from '../../ui/form';
import { useResource } from '../../ui/useResource';
import { currentUser } from '../auth/session';
import { defaultOrg, OrgPicker, rememberedOrg, rememberOrg, type OrgChoice } from './OrgPicker';
import { PhotoPicker } from './PhotoPicker';
import { BuildingPicker, LocationButton, useGeolocation } from './PlacePicker';
import { Similar } from './Similar';

export function ReportPage() {
  const { query, route } = useLocation();
  const user = currentUser.value!;
  // Grid round: /report?household=<id>&org=<grid id>&label=<household label>
  const household = query.household || '';
  const visitOrg = query.org || '';

  const cats = useResource(useMemo(() => reads.categories(), []));
  const orgs = useResource(useMemo(() => reads.orgs(), []));
  const tiles: Category[] = useMemo(
    () =>
      cats.data?.filter((c) => c.active !== false) ??
      DEFAULT_CATEGORIES.map((code) => ({ code, name_zh: '', name_en: '', icon: '', active: true, sort_order: 0, fields: [] })),
    [cats.data],
  );

  const [category, setCategory] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [photos, setPhotos] = useState<StoredFile[]>([]);
  const [org, setOrg] = useState<OrgChoice>(() => rememberedOrg(user.id) ?? { community: '', grid: '' });
  const [geo, locate, clearLocation] = useGeolocation();
  const [building, setBuilding] = useState('');
  const [flat, setFlat] = useState('');
  const [residentName, setResidentName] = useState('');
  const [residentPhone, setResidentPhone] = useState('');
  const [extra, setExtra] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const questions = tiles.find((c) => c.code === category)?.fields ?? [];

  useEffect(() => {
    if (!org.community && orgs.data) setOrg(defaultOrg(orgs.data, user.org_id));
  }, [orgs.data]);

  // Offline with no org list yet: the user's own org (a resident's registration grid) will do.
  const orgId = visitOrg || org.grid || org.community || (user.org_id != null ? String(user.org_id) : '');

  // The grid whose buildings are offered: the round's grid, or the one picked.
  const gridId = visitOrg || org.grid;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!title.trim()) return setError(t('report.errorTitle'));
    if (!description.trim()) return setError(t('report.errorDescription'));
    if (!orgId) return setError(t('report.errorOrg'));
    const answers = answersOf(questions, extra);
    if (typeof answers === 'string') return setError(answers);
    setError('');
    setBusy(true);
    try {
      const body: Omit<CaseCreate, 'id'> = {
        category,
        title: title.trim(),
        description: description.trim(),
        org_id: Number(orgId),
        priority: urgent ? 'urgent' : 'normal',
        channel: household ? 'grid_visit' : 'app',
      };
      if (Object.keys(answers).length) body.extra = answers;
      if (address.trim()) body.address = address.trim();
      if (geo.state === 'ok') Object.assign(body, { lat: geo.lat, lon: geo.lon, location_accuracy: geo.accuracy });
      if (building && !household) body.building_id = Number(building);
      if (flat && !household) body.household_id = Number(flat);
      if (household) {
        body.household_id = Number(household);
        if (residentName.trim() || residentPhone.trim()) {
          body.on_behalf_of = {};
          if (residentName.trim()) body.on_behalf_of.name = residentName.trim();
          if (residentPhone.trim()) body.on_behalf_of.phone = residentPhone.trim();
        }
      } else {
        rememberOrg(user.id, org);
      }
      const item = await reportCase(body, photos);
      void requestBackgroundSync();
      route(`${household ? '/round' : '/cases'}?reported=${encodeURIComponent(item.id)}`);
    } finally {
      setBusy(false);
    }
  };

  if (!category) {
    return (
      <Page title={t('report.title')}>
        {household && <p class="note">{t('report.household', { label: query.label || household })}</p>}
        <h2 class="sub">{t('report.chooseCategory')}</h2>
        <div class="tiles">
          {tiles.map((c) => (
            <button
              type="button"
              key={c.code}
              class="tile"
              data-testid={`report-category-${c.code}`}
              onClick={() => {
                setCategory(c.code);
                setExtra({});
              }}
            >
              <span class="tile-glyph" aria-hidden="true">
                {categoryGlyph(c)}
              </span>
              <span>{categoryLabel(c.code, cats.data)}</span>
            </button>
          ))}
        </div>
      </Page>
    );
  }

  return (
    <Page title={t('report.title')}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="chosen">
          <span class="tile-glyph" aria-hidden="true">
            {categoryGlyph(tiles.find((c) => c.code === category) ?? { code: category })}
          </span>
          <strong data-testid="report-category-chosen">{categoryLabel(category, cats.data)}</strong>
          <button type="button" class="btn btn-ghost" data-testid="report-change-category" onClick={() => setCategory('')}>
            {t('report.changeCategory')}
          </button>
        </div>
        {household && (
          <fieldset class="field">
            <legend>{t('report.onBehalf')}</legend>
            <p class="muted">{t('report.household', { label: query.label || household })}</p>
            <TextField
              label={t('report.residentName')}
              data-testid="report-resident-name"
              value={residentName}
              onValue={setResidentName}
            />
            <TextField
              label={t('report.residentPhone')}
              data-testid="report-resident-phone"
              type="tel"
              inputMode="tel"
              value={residentPhone}
              onValue={setResidentPhone}
            />
          </fieldset>
        )}
        {!household && <Similar category={category} orgId={orgId} text={`${title} ${description}`} />}
        <TextField
          label={t('report.fieldTitle')}
          data-testid="report-title"
          required
          maxLength={120}
          value={title}
          onValue={setTitle}
        />
        <TextAreaField
          label={t('report.fieldDescription')}
          data-testid="report-description"
          required
          maxLength={5000}
          rows={4}
          value={description}
          onValue={setDescription}
        />
        <ExtraFields fields={questions} values={extra} onChange={setExtra} />
        <PhotoPicker photos={photos} onChange={setPhotos} testid="report-photos" />
        <fieldset class="field">
          <legend>{t('place.title')}</legend>
          {!visitOrg && (
            <OrgPicker
              orgs={orgs.data ?? []}
              value={org}
              onChange={(v) => {
                setOrg(v);
                setBuilding('');
                setFlat('');
              }}
            />
          )}
          {!household && (
            <BuildingPicker
              gridId={gridId}
              role={user.role}
              building={building}
              onBuilding={setBuilding}
              household={flat}
              onHousehold={setFlat}
            />
          )}
          <TextField label={t('report.address')} data-testid="report-address" value={address} onValue={setAddress} />
          <LocationButton geo={geo} locate={locate} clear={clearLocation} />
        </fieldset>
        <label class="check">
          <input type="checkbox" data-testid="report-urgent" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
          <span>{t('report.urgent')}</span>
        </label>
        {error && (
          <p class="error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" data-testid="report-submit" disabled={busy}>
          {t('report.submit')}
        </button>
      </form>
    </Page>
  );
}

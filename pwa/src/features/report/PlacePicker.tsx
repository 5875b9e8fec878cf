// Where the need is: the building (and, for staff, the flat) from the org tree, and the
// phone's position, asked for only when the user taps "use my location".
import { useMemo, useState } from 'preact/hooks';
import type { Building, Role } from '../../api/types';
import { t } from '../../i18n';
import { reads } from '../../offline/cache';
import { MiniMap } from '../../ui/MiniMap';
import { useResource } from '../../ui/useResource';

export type Position = { lat: number; lon: number; accuracy: number };
export type Geo =
  | { state: 'off' }
  | { state: 'locating' }
  | ({ state: 'ok' } & Position)
  | { state: 'denied' }
  | { state: 'unavailable' };

/** Who may list a grid's buildings (orgs/service.py buildings_in_scope); staff see the flats too. */
const LISTS_BUILDINGS: Role[] = ['resident', 'grid_worker', 'dispatcher', 'officer', 'admin'];

export function useGeolocation(): [Geo, () => void, () => void] {
  const [geo, setGeo] = useState<Geo>({ state: 'off' });
  const locate = () => {
    if (!('geolocation' in navigator)) return setGeo({ state: 'unavailable' });
    setGeo({ state: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (p) =>
        setGeo({
          state: 'ok',
          lat: p.coords.latitude,
          lon: p.coords.longitude,
          accuracy: Math.round(p.coords.accuracy * 10) / 10,
        }),
      (e) => setGeo({ state: e.code === e.PERMISSION_DENIED ? 'denied' : 'unavailable' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  return [geo, locate, () => setGeo({ state: 'off' })];
}

export function BuildingPicker({
  gridId,
  role,
  building,
  onBuilding,
  household,
  onHousehold,
}: {
  gridId: string;
  role: Role;
  building: string;
  onBuilding: (id: string) => void;
  household: string;
  onHousehold: (id: string) => void;
}) {
  const allowed = !!gridId && LISTS_BUILDINGS.includes(role);
  const res = useResource(useMemo(() => (allowed ? reads.buildings(Number(gridId)) : null), [allowed, gridId]));
  const buildings: Building[] = (allowed && res.data) || [];
  if (!buildings.length) return null;
  const flats = buildings.find((b) => String(b.id) === building)?.households ?? [];
  return (
    <div class="row2">
      <label class="field">
        <span>{t('place.building')}</span>
        <select
          data-testid="report-building"
          value={building}
          onChange={(e) => {
            onBuilding(e.currentTarget.value);
            onHousehold('');
          }}
        >
          <option value="">{t('place.noBuilding')}</option>
          {buildings.map((b) => (
            <option key={b.id} value={String(b.id)}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      {flats.length > 0 && (
        <label class="field">
          <span>{t('place.household')}</span>
          <select data-testid="report-household" value={household} onChange={(e) => onHousehold(e.currentTarget.value)}>
            <option value="">{t('place.noHousehold')}</option>
            {flats.map((h) => (
              <option key={h.id} value={String(h.id)}>
                {h.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

export function LocationButton({ geo, locate, clear }: { geo: Geo; locate: () => void; clear: () => void }) {
  return (
    <div class="field" data-testid="report-location">
      <span>{t('place.position')}</span>
      {geo.state === 'ok' ? (
        <>
          <p class="ok place-status" data-testid="report-location-status" data-state="ok">
            {t('place.located', { m: Math.round(geo.accuracy) })}
          </p>
          <MiniMap lat={geo.lat} lon={geo.lon} accuracy={geo.accuracy} />
          <button type="button" class="btn btn-ghost" data-testid="report-location-clear" onClick={clear}>
            {t('place.dropLocation')}
          </button>
        </>
      ) : (
        <>
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="report-use-location"
            disabled={geo.state === 'locating'}
            onClick={locate}
          >
            {geo.state === 'locating' ? t('place.locating') : t('place.useLocation')}
          </button>
          {geo.state === 'off' && <p class="muted place-status">{t('place.consent')}</p>}
          {(geo.state === 'denied' || geo.state === 'unavailable') && (
            <p class="error place-status" role="status" data-testid="report-location-status" data-state={geo.state}>
              {t(geo.state === 'denied' ? 'place.denied' : 'place.unavailable')}
            </p>
          )}
        </>
      )}
    </div>
  );
}

// A grid's buildings and households in the org screen: add, rename, remove an unused one.
// A household is a door label only: residents' names and phones are not kept here.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Org } from '../../api';
import { t } from '../../i18n';
import { ErrorText } from '../../ui/bits';
import { TextAreaField, TextField } from '../../ui/form';
import { consoleApi, type Building, type Household } from './api';
import { useRun } from './useRun';

/** Saves a new name. */
interface Rename {
  (name: string): Promise<unknown>;
}
/** Removes the object. */
interface Remove {
  (): Promise<unknown>;
}

/** A name shown with rename and remove (asked twice); renaming opens a one-field form. */
function Editable({ value, label, testid, onRename, onDelete, extra, children }: {
  value: string;
  label: string;
  testid: string;
  onRename: Rename;
  onDelete: Remove;
  /** A further button before rename. */
  extra?: ComponentChildren;
  /** What opens below the row (a building's households). */
  children?: ComponentChildren;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [confirming, setConfirming] = useState(false);
  const { fields, general, run } = useRun();
  const rename = async (e: Event) => {
    if (await run(() => onRename(draft.trim()), e)) setEditing(false);
  };
  return (
    <li class="card card-pad console-row" data-testid={testid} data-name={value}>
      <span class="console-main">
        <strong>{value}</strong>
      </span>
      <span class="console-actions">
        {extra}
        <button type="button" class="btn btn-secondary" onClick={() => setEditing(!editing)} data-testid={`${testid}-rename`}>
          {editing ? t('common.cancel') : t('homes.rename')}
        </button>
        {confirming ? (
          <button type="button" class="btn btn-danger" onClick={() => void run(onDelete)} data-testid={`${testid}-delete-confirm`}>
            {t('homes.deleteConfirm')}
          </button>
        ) : (
          <button type="button" class="btn btn-secondary" onClick={() => setConfirming(true)} data-testid={`${testid}-delete`}>
            {t('homes.delete')}
          </button>
        )}
      </span>
      {editing && (
        <form class="form console-edit" onSubmit={rename}>
          <TextField label={label} required value={draft} onValue={setDraft} errors={fields.name ?? fields.label} data-testid={`${testid}-name`} />
          <button class="btn btn-primary" type="submit" data-testid={`${testid}-save`}>
            {t('console.save')}
          </button>
        </form>
      )}
      {general ? <ErrorText error={general} /> : null}
      {children}
    </li>
  );
}

function BuildingItem({ building, onChanged }: { building: Building; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const { fields, general, run } = useRun();
  const add = async (e: Event) => {
    if (await run(() => consoleApi.addHousehold(building.id, label.trim()), e)) {
      setLabel('');
      onChanged();
    }
  };
  const changed = (p: Promise<unknown>) => p.then(onChanged);
  return (
    <Editable
      value={building.name}
      label={t('homes.buildingName')}
      testid="building-item"
      onRename={(name) => changed(consoleApi.renameBuilding(building.id, name))}
      onDelete={() => changed(consoleApi.deleteBuilding(building.id))}
      extra={
        <button type="button" class="btn btn-secondary" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="building-open">
          {t('homes.households', { n: building.households.length })}
        </button>
      }
    >
      {open && (
        <div class="homes-households" data-testid="building-households" data-building={building.name}>
          {building.households.length === 0 && <p class="note">{t('homes.noHouseholds')}</p>}
          <ul class="list">
            {building.households.map((h: Household) => (
              <Editable
                key={`${h.id}-${h.label}`}
                value={h.label}
                label={t('homes.label')}
                testid="household-item"
                onRename={(v) => changed(consoleApi.relabelHousehold(h.id, v))}
                onDelete={() => changed(consoleApi.deleteHousehold(h.id))}
              />
            ))}
          </ul>
          <form class="form" onSubmit={add}>
            <TextField label={t('homes.label')} required value={label} onValue={setLabel} errors={fields.label} data-testid="household-new-label" />
            <button class="btn btn-primary" type="submit" data-testid="household-add">
              {t('homes.addHousehold')}
            </button>
          </form>
          {general ? <ErrorText error={general} /> : null}
        </div>
      )}
    </Editable>
  );
}

export function GridHomes({ grid }: { grid: Org }) {
  const [buildings, setBuildings] = useState<Building[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [labels, setLabels] = useState('');
  const { fields, general, run } = useRun();
  const load = () => consoleApi.buildings(grid.id).then(setBuildings, setLoadError);
  useEffect(() => void load(), [grid.id]);
  const add = async (e: Event) => {
    const households = labels.split('\n').map((l) => l.trim()).filter(Boolean);
    if (await run(() => consoleApi.createBuilding(grid.id, { name: name.trim(), households }), e)) {
      setName('');
      setLabels('');
      void load();
    }
  };
  return (
    <div class="console-edit homes" data-testid="grid-homes">
      <p class="muted">{t('homes.hint')}</p>
      {loadError ? <ErrorText error={loadError} /> : null}
      {buildings === null && !loadError && <p class="muted">{t('common.loading')}</p>}
      {buildings?.length === 0 && <p class="note">{t('homes.none')}</p>}
      <ul class="list" data-testid="building-list">
        {(buildings ?? []).map((b) => (
          <BuildingItem key={`${b.id}-${b.name}`} building={b} onChanged={() => void load()} />
        ))}
      </ul>
      <form class="form" onSubmit={add} data-testid="building-form">
        <TextField label={t('homes.buildingName')} required value={name} onValue={setName} errors={fields.name} data-testid="building-new-name" />
        <TextAreaField label={t('homes.newHouseholds')} rows={3} value={labels} onValue={setLabels} data-testid="building-new-households" />
        {fields.households && <span class="field-error">{fields.households.join(' ')}</span>}
        {general ? <ErrorText error={general} /> : null}
        <button class="btn btn-primary" type="submit" data-testid="building-add">
          {t('homes.addBuilding')}
        </button>
      </form>
    </div>
  );
}

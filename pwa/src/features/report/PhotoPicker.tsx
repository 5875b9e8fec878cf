import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StoredFile } from '../../offline/outbox-types';
import { t } from '../../i18n';
import { shrinkPhoto } from '../../ui/photos';

export function PhotoPicker({
  photos,
  onChange,
  testid = 'photo-input',
}: {
  photos: StoredFile[];
  onChange: (p: StoredFile[]) => void;
  testid?: string;
}) {
  const [busy, setBusy] = useState(false);
  const urls = useMemo(() => photos.map((p) => URL.createObjectURL(new Blob([p.data], { type: p.type }))), [photos]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);

  const add = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (!files.length) return;
    setBusy(true);
    try {
      const shrunk: StoredFile[] = [];
      for (const f of files) shrunk.push(await shrinkPhoto(f));
      onChange([...photos, ...shrunk]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="field photos">
      <legend>{t('report.photos')}</legend>
      <div class="thumbs">
        {urls.map((u, i) => (
          <div class="thumb" key={u}>
            <img src={u} alt={t('cases.photo', { n: i + 1 })} />
            <button
              type="button"
              class="thumb-remove"
              aria-label={t('report.removePhoto', { n: i + 1 })}
              onClick={() => onChange(photos.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <label class="thumb thumb-add">
          <span aria-hidden="true">📷</span>
          <span class="sr-only">{t('report.addPhotos')}</span>
          <input type="file" accept="image/*" multiple data-testid={testid} aria-label={t('report.addPhotos')} onChange={add} />
        </label>
      </div>
      {busy && <p class="muted">{t('report.shrinking')}</p>}
    </fieldset>
  );
}

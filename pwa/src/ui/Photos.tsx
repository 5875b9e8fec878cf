import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { AuthImage } from './AuthImage';

export interface PhotoItem {
  id: string;
  /** An API photo (fetched with the Authorization header) … */
  url?: string;
  /** … or bytes still on the phone (an object URL). */
  src?: string;
  /** Whose photo it is (the resident's, the provider's completion photo), said under the thumbnail and in the viewer. */
  caption?: string;
}

function Picture({ photo, alt }: { photo: PhotoItem; alt: string }) {
  return photo.src ? <img src={photo.src} alt={alt} /> : <AuthImage url={photo.url!} alt={alt} />;
}

/**
 * Thumbnails that open a full-screen viewer. The viewer is a modal <dialog>: the browser
 * keeps focus inside it, Esc closes it and focus returns to the thumbnail.
 */
export function Photos({ photos, pending }: { photos: PhotoItem[]; pending?: boolean }) {
  const [open, setOpen] = useState<number | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (open !== null && d && !d.open) d.showModal();
  }, [open]);
  const shown = open === null ? null : photos[open];
  const alt = (i: number) => [t('cases.photo', { n: i + 1 }), photos[i].caption].filter(Boolean).join(' · ');

  return (
    <section aria-label={t('cases.attachments')}>
      <ul class="thumbs">
        {photos.map((p, i) => (
          <li key={p.id} class="photo" data-testid="case-attachment" data-pending={pending ? 'true' : undefined}>
            <button type="button" class="thumb thumb-open" aria-label={t('photo.enlarge', { photo: alt(i) })} onClick={() => setOpen(i)}>
              <Picture photo={p} alt="" />
            </button>
            {p.caption && (
              <span class="photo-caption" data-testid="photo-caption">
                {p.caption}
              </span>
            )}
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        class="viewer"
        aria-label={shown ? alt(open!) : t('cases.attachments')}
        data-testid="photo-viewer"
        onClose={() => setOpen(null)}
        onClick={(e) => {
          // A tap on the dark backdrop (the dialog itself, not the picture) closes it.
          if (e.target === dialog.current) dialog.current?.close();
        }}
      >
        {shown && (
          <figure class="viewer-figure">
            <Picture photo={shown} alt={alt(open!)} />
            <figcaption data-testid="photo-viewer-caption">
              {[t('photo.position', { n: open! + 1, total: photos.length }), shown.caption].filter(Boolean).join(' · ')}
            </figcaption>
          </figure>
        )}
        <button type="button" class="viewer-close" data-testid="photo-viewer-close" onClick={() => dialog.current?.close()}>
          {t('photo.close')}
        </button>
      </dialog>
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { fetchBlob } from '../api';

/** An image behind the API's Authorization header. */
export function AuthImage({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let objectUrl: string | null = null;
    fetchBlob(url).then(
      (b) => {
        if (!alive) return;
        objectUrl = URL.createObjectURL(b);
        setSrc(objectUrl);
      },
      () => undefined,
    );
    return () => {
      alive = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return src ? <img src={src} alt={alt} loading="lazy" /> : <span class="thumb-placeholder" role="img" aria-label={alt} />;
}

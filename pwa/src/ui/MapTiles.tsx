// The tiles of a small map (a lazy chunk: only a phone shown a position on a configured
// tile server downloads it). MiniMap.tsx decides whether to draw one.
import { t } from '../i18n';

export interface TilesProps {
  template: string;
  attribution: string;
  lat: number;
  lon: number;
  accuracy?: number | null;
}

const ZOOM = 17;
const TILE = 256;
const EARTH = 156543.03392; // metres per pixel at zoom 0 on the equator (Web Mercator)

/** The position in world pixels at ZOOM (Web Mercator, as XYZ tile servers cut it). */
export function worldPixel(lat: number, lon: number): { x: number; y: number } {
  const scale = TILE * 2 ** ZOOM;
  const rad = (lat * Math.PI) / 180;
  return {
    x: ((lon + 180) / 360) * scale,
    y: ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * scale,
  };
}

export function tileUrl(template: string, x: number, y: number): string {
  return template.replace('{s}', 'a').replace('{z}', String(ZOOM)).replace('{x}', String(x)).replace('{y}', String(y));
}

export function MapTiles({ template, attribution, lat, lon, accuracy }: TilesProps) {
  const p = worldPixel(lat, lon);
  const cx = Math.floor(p.x / TILE);
  const cy = Math.floor(p.y / TILE);
  const tiles = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      tiles.push(
        <img
          key={`${x}/${y}`}
          class="minimap-tile"
          src={tileUrl(template, x, y)}
          alt=""
          width={TILE}
          height={TILE}
          loading="lazy"
          draggable={false}
          style={{ left: `calc(50% + ${Math.round(x * TILE - p.x)}px)`, top: `calc(50% + ${Math.round(y * TILE - p.y)}px)` }}
        />,
      );
    }
  }
  const mpp = (EARTH * Math.cos((lat * Math.PI) / 180)) / 2 ** ZOOM;
  const radius = accuracy ? Math.min(Math.max(accuracy / mpp, 6), 120) : 0;
  return (
    <figure class="minimap" data-testid="minimap" role="img" aria-label={t('place.mapLabel', { lat: lat.toFixed(5), lon: lon.toFixed(5) })}>
      {tiles}
      {radius > 0 && <span class="minimap-accuracy" style={{ width: `${2 * radius}px`, height: `${2 * radius}px` }} />}
      <span class="minimap-pin" aria-hidden="true" />
      {attribution && <figcaption class="minimap-credit">{attribution}</figcaption>}
    </figure>
  );
}

// A small map under a position, drawn from a few tiles of the configured tile server
// (GET /map). No tile server configured: nothing is drawn and nothing is fetched.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { reads } from '../offline/cache';
import type { TilesProps } from './MapTiles';
import { useResource } from './useResource';

type Tiles = (props: TilesProps) => preact.JSX.Element;

export function MiniMap({ lat, lon, accuracy }: { lat: number; lon: number; accuracy?: number | null }) {
  const settings = useResource(useMemo(() => reads.map(), []));
  const template = settings.data?.tile_url;
  const [Drawn, setDrawn] = useState<{ Tiles: Tiles } | null>(null);
  useEffect(() => {
    if (template && !Drawn) void import('./MapTiles').then((m) => setDrawn({ Tiles: m.MapTiles }));
  }, [template]);
  if (!template || !Drawn) return null;
  return <Drawn.Tiles template={template} attribution={settings.data?.attribution ?? ''} lat={lat} lon={lon} accuracy={accuracy} />;
}

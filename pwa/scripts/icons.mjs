// Writes the app icons (plain PNGs, no dependencies): a white house on teal.
// Usage: node scripts/icons.mjs  → public/icons/{icon-192,icon-512,maskable-512}.png
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const TEAL = [15, 118, 110];
const WHITE = [255, 255, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x / size, y / size);
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
// House: roof triangle + body square + door, in a box scaled by `s` around the centre.
function house(s) {
  return (u, v) => {
    const x = (u - 0.5) / s + 0.5;
    const y = (v - 0.5) / s + 0.5;
    const roof = y >= 0.2 && y <= 0.48 && Math.abs(x - 0.5) <= (y - 0.2) * (0.32 / 0.28);
    const body = x >= 0.27 && x <= 0.73 && y > 0.47 && y <= 0.8;
    const door = x >= 0.44 && x <= 0.56 && y >= 0.6 && y <= 0.8;
    return (roof || body) && !door ? WHITE : TEAL;
  };
}
mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, house(1)));
writeFileSync('public/icons/icon-512.png', png(512, house(1)));
// Maskable: keep the glyph inside the 80% safe zone.
writeFileSync('public/icons/maskable-512.png', png(512, house(0.7)));
writeFileSync('public/icons/apple-touch-icon.png', png(180, house(0.85)));
console.log('icons written to public/icons/');

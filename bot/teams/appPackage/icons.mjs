// Draws the Teams app icons (color.png 192x192, outline.png 32x32) with nothing but node:zlib.
// Run it again after changing the drawing: node bot/teams/appPackage/icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG from a function giving [r, g, b, a] (0-255) for each pixel. */
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The drawing, on a 0..1 square: a speech bubble (rounded box with a tail) holding a check mark.
const roundedBox = (x, y, x0, y0, x1, y1, r) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return Math.hypot(dx, dy) - r; // < 0 inside
};
const segment = (x, y, ax, ay, bx, by) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
};
const inTail = (x, y) => y >= 0.66 && y <= 0.84 && x >= 0.3 && x <= 0.3 + (0.84 - y) * 0.9;
const bubble = (x, y) => roundedBox(x, y, 0.2, 0.22, 0.8, 0.68, 0.1) < 0 || inTail(x, y);
const bubbleEdge = (x, y, w) =>
  bubble(x, y) && !(roundedBox(x, y, 0.2 + w, 0.22 + w, 0.8 - w, 0.68 - w, 0.1 - w) < 0 || inTail(x, y - w * 1.6));
const check = (x, y, w) => Math.min(segment(x, y, 0.36, 0.46, 0.46, 0.56), segment(x, y, 0.46, 0.56, 0.65, 0.36)) < w;

/** Average of 4x4 samples per pixel, for smooth edges. */
function sampled(size, shade) {
  return (px, py) => {
    let acc = [0, 0, 0, 0];
    for (let sy = 0; sy < 4; sy++)
      for (let sx = 0; sx < 4; sx++) {
        const c = shade((px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size);
        acc = acc.map((v, i) => v + c[i] / 16);
      }
    return acc.map(Math.round);
  };
}

const blue = [37, 99, 235, 255];
const white = [255, 255, 255, 255];
const clear = [255, 255, 255, 0];

const color = png(
  192,
  sampled(192, (x, y) => (check(x, y, 0.045) && bubble(x, y) ? blue : bubble(x, y) ? white : blue)),
);
// Outline: white on transparent only, as Teams requires.
const outline = png(
  32,
  sampled(32, (x, y) => (bubbleEdge(x, y, 0.07) || check(x, y, 0.05) ? white : clear)),
);

const here = new URL('.', import.meta.url);
writeFileSync(new URL('color.png', here), color);
writeFileSync(new URL('outline.png', here), outline);

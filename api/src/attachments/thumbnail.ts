import type SharpModule from 'sharp';
import type { Logger } from '../logger.js';

/** The longest edge of a preview, in pixels (twice what the timeline shows, for sharp screens). */
const EDGE = 480;
/** Images with more pixels than this are not decoded (a small file can hold a huge image). */
const MAX_PIXELS = 40_000_000;
/** Without sharp, an original this small is served as its own preview. */
export const ORIGINAL_AS_PREVIEW_MAX_BYTES = 1024 * 1024;

type Sharp = typeof SharpModule;
let loaded: Promise<Sharp | null> | undefined;

/** sharp, loaded on first use; null where its prebuilt binary does not run (previews fall back). */
function loadSharp(logger: Logger): Promise<Sharp | null> {
  loaded ??= import('sharp').then(
    (m) => {
      const sharp = m.default;
      // A small server: one image at a time, no cache of decoded images in memory.
      sharp.concurrency(1);
      sharp.cache(false);
      return sharp;
    },
    (err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'sharp cannot load here: image previews are the originals');
      return null;
    },
  );
  return loaded;
}

/**
 * A small WebP preview of a png, jpeg, gif or webp image: turned upright by its EXIF orientation,
 * without its metadata (location, camera), at most EDGE pixels a side. Null when the image cannot
 * be decoded within the limits, or when sharp is not available.
 */
export async function makeThumbnail(content: Buffer, logger: Logger): Promise<Buffer | null> {
  const sharp = await loadSharp(logger);
  if (!sharp) return null;
  try {
    return await sharp(content, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize(EDGE, EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (err) {
    logger.info({ err: (err as Error).message }, 'no preview for an image that does not decode');
    return null;
  }
}

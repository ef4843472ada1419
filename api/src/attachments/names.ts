/**
 * A file name safe to show and to offer as a download, from what a sender or browser claimed:
 * no path, no control characters or quotes, none of the direction marks that make `exe.pdf` of
 * `fdp.exe`, at most 200 characters; a name from the type when nothing is left.
 */
export function safeFileName(claimed: string | null | undefined, contentType: string): string {
  const name = (claimed ?? '')
    .replace(/[\\/]/g, '_')
    .split('')
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .filter((ch) => !/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(ch))
    .join('')
    .trim()
    .slice(0, 200);
  return name || `attachment.${contentType.split('/')[1]?.split(/[;+]/)[0] ?? 'bin'}`;
}

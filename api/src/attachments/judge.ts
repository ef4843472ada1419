import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';

/**
 * Whether a file that arrives (an email attachment now; console uploads and chat files later) is
 * kept, and as what type. The type comes from the bytes; the declared type and the name's
 * extension are claims that must agree with them. Programs are never kept, whatever they claim.
 */

export interface FilePolicy {
  maxBytes: number;
  /** `type/subtype` or `type/*`, lower case. */
  types: string[];
}

export type FileRefusal = 'executable' | 'type_mismatch' | 'type_not_allowed' | 'too_large';

export type FileVerdict =
  | { kept: true; contentType: string; detectedType: string | null }
  | { kept: false; reason: FileRefusal; detail: string; detectedType: string | null };

/** How a refusal reads on a ticket, in every channel. */
export function refusalText(reason: FileRefusal): string {
  switch (reason) {
    case 'executable':
      return 'a program';
    case 'type_mismatch':
      return 'its content is not what its name or type says';
    case 'type_not_allowed':
      return 'file type not allowed';
    case 'too_large':
      return 'too large';
  }
}

/** A MIME type allowed by a list of `type/subtype` and `type/*` patterns. */
export function typeAllowed(contentType: string, patterns: string[]): boolean {
  const type = bareType(contentType);
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

// Formats that run code when opened (file-type's names for them).
const programTypes = new Set([
  'application/x-msdownload', // PE: .exe, .dll, .scr, .sys
  'application/x-elf',
  'application/x-mach-binary',
  'application/java-archive',
  'application/java-vm',
  'application/vnd.android.package-archive',
  'application/x.ms.shortcut',
  'application/x.apple.alias',
  'application/x-ms-regedit',
  'application/vnd.ms-htmlhelp',
  'application/x-shockwave-flash',
  'application/wasm',
  'application/x-google-chrome-extension',
  'application/x-xpinstall',
  'application/x-deb',
  'application/x-rpm',
  'application/x-apple-diskimage',
  // Declared names for programs and scripts that file-type does not report.
  'application/x-msdos-program',
  'application/x-dosexec',
  'application/x-executable',
  'application/x-sharedlib',
  'application/vnd.microsoft.portable-executable',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-sh',
  'application/x-csh',
  'text/x-shellscript',
  'application/x-bat',
  'application/bat',
  'application/javascript',
  'text/javascript',
  'application/x-javascript',
  'text/vbscript',
  'application/hta',
  'application/x-powershell',
]);

// Names Windows, macOS and Linux run (or mount) on a double click; scripts have no magic bytes.
const programExtensions = new Set(
  (
    'exe dll com scr pif cpl sys drv ocx msi msp mst bat cmd vbs vbe js jse mjs wsf wsh ws wsc ps1 ps1xml ps2 ' +
    'psc1 psm1 psd1 msc hta jar class sh bash csh ksh zsh command tool app lnk url scf reg inf gadget ' +
    'application appref-ms apk xpi crx dmg pkg mpkg deb rpm run chm xll iso img vhd vhdx py pyw pyz sct ' +
    'desktop appimage appx appxbundle msix msixbundle settingcontent-ms'
  ).split(' '),
);

// What an extension claims, for the types people send to a helpdesk.
const extensionTypes: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jfif: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
  avif: 'image/avif',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  json: 'application/json',
  xml: 'application/xml',
  eml: 'message/rfc822',
  zip: 'application/zip',
  rtf: 'application/rtf',
  doc: 'application/msword',
  dot: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  dotx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppsx: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  potx: 'application/vnd.openxmlformats-officedocument.presentationml.template',
  docm: 'application/vnd.ms-word.document.macroenabled.12',
  xlsm: 'application/vnd.ms-excel.sheet.macroenabled.12',
  pptm: 'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  odg: 'application/vnd.oasis.opendocument.graphics',
  epub: 'application/epub+zip',
  '7z': 'application/x-7z-compressed',
  rar: 'application/x-rar-compressed',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
};

// Other names mail clients give the same types.
const aliases: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'application/x-pdf': 'application/pdf',
  'application/acrobat': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'text/xml': 'application/xml',
  'application/csv': 'text/csv',
  'application/x-csv': 'text/csv',
  'text/x-csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
  'text/rtf': 'application/rtf',
  'audio/x-wav': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
};

// Declared when the sender did not know the type: the bytes decide.
const unknownTypes = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/unknown',
  'application/x-download',
  'application/download',
  'application/force-download',
]);

// Office and OpenDocument files are zip containers; the legacy Office formats are CFB containers.
// file-type names the precise format when it can, and only the container when it cannot.
const zipFamily = (t: string) =>
  t === 'application/zip' ||
  t === 'application/epub+zip' ||
  t.startsWith('application/vnd.openxmlformats-officedocument.') ||
  t.startsWith('application/vnd.oasis.opendocument.') ||
  /^application\/vnd\.ms-[a-z]+\.[a-z.]*macroenabled\.12$/.test(t);
const cfbFamily = (t: string) =>
  t === 'application/x-cfb' ||
  t === 'application/msword' ||
  t === 'application/vnd.ms-excel' ||
  t === 'application/vnd.ms-powerpoint' ||
  t === 'application/vnd.ms-outlook' ||
  t === 'application/vnd.visio';
const xmlFamily = (t: string) => t === 'application/xml' || t.endsWith('+xml');

// Types with a signature: content that is one of them is recognised, so unrecognised bytes are not.
const hasSignature = (t: string) => (supportedMimeTypes as ReadonlySet<string>).has(t) || zipFamily(t) || cfbFamily(t);

// Types whose content is text (no signature to find).
const textual = (t: string) =>
  t.startsWith('text/') || t === 'message/rfc822' || t === 'application/json' || xmlFamily(t);

function bareType(contentType: string): string {
  const bare = contentType.toLowerCase().split(';')[0]!.trim();
  return aliases[bare] ?? bare;
}

/** The extensions of a name as the system that opens it sees them (trailing dots and spaces dropped). */
function extensionsOf(filename: string): string[] {
  const visible = filename
    .normalize('NFKC')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[\s.]+$/, '')
    .toLowerCase();
  const base = visible.split(/[\\/]/).at(-1) ?? '';
  return base.split('.').slice(1);
}

/** Text, by its bytes: no NUL and hardly any control characters (or UTF-16 text, see below). */
function looksLikeText(bytes: Uint8Array): boolean {
  if (isUtf16Text(bytes)) return true;
  const head = bytes.subarray(0, 8192);
  return !head.includes(0) && controlCount(head) <= head.length / 100;
}

const controlCount = (chars: Iterable<number>) => {
  let n = 0;
  for (const c of chars) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) n++;
  return n;
};

/**
 * UTF-16 text behind its byte-order mark (Excel's "Unicode text", PowerShell's Out-File). Checked
 * before file-type, which takes FF FE for the start of an MPEG audio frame.
 */
function isUtf16Text(bytes: Uint8Array): boolean {
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  if (!le && !(bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
  const end = Math.min(bytes.length, 2 + 8192);
  // Cut at a whole code unit; a surrogate pair cut in two is one U+FFFD at the end.
  const decoded = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2, end - ((end - 2) % 2)));
  const codes = [...decoded].map((ch) => ch.codePointAt(0)!);
  if (codes.filter((c) => c === 0xfffd).length > 1) return false;
  return !codes.includes(0) && controlCount(codes) <= codes.length / 100;
}

/** A script that runs by its first line (`#!/bin/sh`), whatever its name. */
function isShebang(bytes: Uint8Array): boolean {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes[start] === 0x23 && bytes[start + 1] === 0x21;
}

/** Claimed and found agree: the same type, or the container and the format inside it. */
function agree(claimed: string, found: string): boolean {
  if (claimed === found) return true;
  if (zipFamily(claimed) && zipFamily(found)) return claimed === 'application/zip' || found === 'application/zip';
  if (cfbFamily(claimed) && cfbFamily(found)) return claimed === 'application/x-cfb' || found === 'application/x-cfb';
  if (xmlFamily(claimed) && xmlFamily(found)) return claimed === 'application/xml' || found === 'application/xml';
  // Text under another text type's name is text all the same (the kept type is the one found).
  if (textual(claimed) && textual(found)) return true;
  // A raster image under another image's name (a WebP saved as .jpg) is an image all the same.
  return claimed.startsWith('image/') && found.startsWith('image/') && found !== 'image/svg+xml';
}

/**
 * Judge one file: its bytes say what it is (file-type), its declared type and its extension must
 * agree with them, programs are refused whatever they claim, and the type it is kept as (the one
 * from its bytes, never the declared one) must be on the policy's list and the file within size.
 */
export async function judgeFile(
  file: { filename: string; declaredType: string; bytes: Uint8Array },
  policy: FilePolicy,
): Promise<FileVerdict> {
  const declared = bareType(file.declaredType);
  const extension = extensionsOf(file.filename).at(-1) ?? '';
  const named = extensionTypes[extension] ?? null;
  const found = isUtf16Text(file.bytes) ? null : ((await fileTypeFromBuffer(file.bytes))?.mime ?? null);
  const refuse = (reason: FileRefusal, detail: string): FileVerdict => ({
    kept: false,
    reason,
    detail,
    detectedType: found,
  });

  if (found && programTypes.has(found)) return refuse('executable', `the content is a program (${found})`);
  if (programExtensions.has(extension)) return refuse('executable', `.${extension} files run as programs`);
  if (programTypes.has(declared)) return refuse('executable', `declared as a program (${declared})`);
  if (isShebang(file.bytes)) return refuse('executable', 'the content is a script (#!)');

  const claims = [
    ...(unknownTypes.has(declared) ? [] : [{ what: `declared as ${declared}`, type: declared }]),
    ...(named ? [{ what: `named .${extension}`, type: named }] : []),
  ];
  let type: string;
  if (found) {
    // The container is refined by what the sender says is inside it (a .docx file-type saw only as a zip).
    const inner = claims.find((c) => c.type !== found && agree(c.type, found));
    type =
      inner && (found === 'application/zip' || found === 'application/x-cfb' || found === 'application/xml')
        ? inner.type
        : found;
  } else if (looksLikeText(file.bytes)) {
    const text = claims.find((c) => textual(c.type));
    type = text?.type ?? (claims.length ? claims[0]!.type : 'text/plain');
    if (!textual(type)) return refuse('type_mismatch', `${claims[0]!.what} but the content is text`);
    // Excel on Windows declares the CSV files it saves as its own type.
    const tolerated = (c: { type: string }) =>
      textual(c.type) || (type === 'text/csv' && c.type === 'application/vnd.ms-excel');
    const wrong = claims.find((c) => !tolerated(c));
    if (wrong) return refuse('type_mismatch', `${wrong.what} but the content is text`);
    // Different text formats under one name (.csv declared text/plain) are still text: keep the more precise.
    type = named && textual(named) ? named : type;
  } else {
    const wrong = claims.find((c) => hasSignature(c.type) || textual(c.type));
    if (wrong) return refuse('type_mismatch', `${wrong.what} but the content is not recognised as that`);
    type = claims[0]?.type ?? 'application/octet-stream';
  }

  if (found) {
    const wrong = claims.find((c) => !agree(c.type, type));
    if (wrong) return refuse('type_mismatch', `${wrong.what} but the content is ${found}`);
  }
  if (!typeAllowed(type, policy.types)) return refuse('type_not_allowed', `${type} is not on the list of kept types`);
  if (file.bytes.length > policy.maxBytes)
    return refuse('too_large', `${file.bytes.length} bytes is over the limit of ${policy.maxBytes}`);
  return { kept: true, contentType: type, detectedType: found };
}

/**
 * `format=flowed` plain text (RFC 3676) decoded the way the RFC says. mailparser (through
 * libmime) joins every line that ends in a space with the next one, whatever its quote depth,
 * so a quoted line cut by an inline answer swallows the answer ("> …, and I do, one for home.")
 * and the answer is then dropped with the quote. Here a line is joined only to the next line of
 * the same quote depth (section 4.5), space-stuffing is removed (4.4), and the signature
 * separator "-- " is never a soft break.
 */

/** The decoded text, quoted lines written back as `>` (one per depth level) and a space. */
export function decodeFlowed(text: string, delSp = false): string {
  const out: string[] = [];
  let current: { depth: number; text: string; soft: boolean } | null = null;
  const flush = () => {
    if (!current) return;
    const body = current.text === '-- ' ? current.text : current.text.replace(/ +$/, '');
    out.push(current.depth ? `${'>'.repeat(current.depth)}${body ? ` ${body}` : ''}` : body);
  };
  for (const raw of text.split(/\r?\n/)) {
    const depth = /^>*/.exec(raw)![0].length;
    let line = raw.slice(depth);
    if (line.startsWith(' ')) line = line.slice(1);
    const signature = line === '-- ';
    const soft = !signature && line.endsWith(' ');
    const piece = soft && delSp ? line.slice(0, -1) : line;
    if (current && current.soft && current.depth === depth) {
      current.text += piece;
      current.soft = soft;
    } else {
      flush();
      current = { depth, text: signature ? '-- ' : piece, soft };
    }
  }
  flush();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

interface Part {
  headers: Map<string, string>;
  body: Buffer;
}

function splitPart(raw: Buffer): Part {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const headerText = m ? text.slice(0, m.index) : text;
  const body = m ? raw.subarray(m.index + m[0].length) : Buffer.alloc(0);
  const headers = new Map<string, string>();
  for (const line of headerText.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) {
      const name = line.slice(0, at).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(at + 1).trim());
    }
  }
  return { headers, body };
}

function parseValue(value: string | undefined): { value: string; params: Map<string, string> } {
  const [first = '', ...rest] = (value ?? '').split(';');
  const params = new Map<string, string>();
  for (const m of rest.join(';').matchAll(/([\w.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g))
    params.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
  return { value: first.trim().toLowerCase(), params };
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  const enc = encoding.trim().toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(text.charCodeAt(i) & 0xff);
    }
    return Buffer.from(bytes);
  }
  return body;
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** The first inline text/plain part of the message (the one mailparser takes as `text`), depth first. */
function firstPlainPart(raw: Buffer, depth = 0): Part | null {
  if (depth > 10) return null;
  const part = splitPart(raw);
  const type = parseValue(part.headers.get('content-type') ?? 'text/plain');
  if (type.value.startsWith('multipart/')) {
    const boundary = type.params.get('boundary');
    if (!boundary) return null;
    const text = part.body.toString('latin1');
    const delimiter = new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(--)?[ \\t]*\\r?$`, 'm');
    const pieces = text.split(new RegExp(delimiter.source, 'gm'));
    // split() with a capturing group interleaves the "--" captures: keep the bodies between delimiters.
    const bodies = pieces.filter((_, i) => i % 2 === 0).slice(1, -1);
    for (const body of bodies) {
      const found = firstPlainPart(Buffer.from(body.replace(/^\r?\n/, ''), 'latin1'), depth + 1);
      if (found) return found;
    }
    return null;
  }
  const disposition = parseValue(part.headers.get('content-disposition')).value;
  return type.value === 'text/plain' && disposition !== 'attachment' ? part : null;
}

/**
 * The mail's text/plain part: null when it has none (mailparser's `text` is then its own
 * rendering of the HTML). `flowed` is the part decoded as RFC 3676 says when it is
 * `format=flowed` and is the text mailparser read (checked: the same characters apart from line
 * breaks, spaces and quote marks); otherwise null, and mailparser's text stands.
 */
export function plainTextPart(raw: Buffer, parsedText: string | undefined): { flowed: string | null } | null {
  let part: Part | null;
  try {
    part = firstPlainPart(raw);
  } catch {
    return { flowed: null };
  }
  if (!part) return null;
  const type = parseValue(part.headers.get('content-type') ?? 'text/plain');
  if (type.params.get('format')?.toLowerCase() !== 'flowed') return { flowed: null };
  const bytes = decodeTransfer(part.body, part.headers.get('content-transfer-encoding') ?? '7bit');
  const text = decodeCharset(bytes, type.params.get('charset'));
  const decoded = decodeFlowed(text, type.params.get('delsp')?.toLowerCase() === 'yes');
  const letters = (s: string) => s.replace(/[\s>]+/g, '');
  return { flowed: parsedText !== undefined && letters(decoded) === letters(parsedText) ? decoded : null };
}

import { EXTENSIONS, extensionFits, extensionOf, type AcceptedMediaType } from './media-types';

const MAX_NAME_CHARS = 150;
/** Windows-reserved device names: a file saved as "CON.pdf" cannot be opened there. */
const DEVICE_NAMES = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * The name a file is stored and offered under: the client's name reduced to its last path
 * segment, in NFC (Vietnamese diacritics as one code point each), without control, format
 * or bidirectional characters (an RTL override can make "fdp.exe" read as "exe.pdf"), without
 * characters file systems reserve, at most 150 characters, and with an extension that fits
 * the type read from the bytes (an "anh.jpg" that is a PNG is kept as "anh.png").
 */
export function sanitiseFilename(raw: string | undefined, type: AcceptedMediaType): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  let ext = extensionOf(name);
  let base = ext ? name.slice(0, -ext.length) : name;
  if (!extensionFits(ext, type) || !ext) ext = EXTENSIONS[type][0]!;
  base = base.replace(/[.\s]+$/g, '');
  if (!base || DEVICE_NAMES.test(base)) base = base ? `_${base}` : 'tai-lieu';
  const chars = [...base];
  const room = MAX_NAME_CHARS - ext.length;
  if (chars.length > room) base = chars.slice(0, room).join('').trimEnd();
  return `${base}${ext}`;
}

/** ASCII stand-in for clients that ignore filename*: Vietnamese letters without their marks. */
export function asciiFallback(filename: string): string {
  return filename
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%;]/g, '_');
}

/** RFC 5987 value-chars: percent-encode everything but attr-char. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment` with an ASCII filename and the exact UTF-8 one (RFC 6266 / RFC 5987). */
export function contentDisposition(filename: string): string {
  return `attachment; filename="${asciiFallback(filename)}"; filename*=UTF-8''${rfc5987(filename)}`;
}

import { DOCX, XLSX, type AcceptedMediaType } from './media-types';

/** Bytes needed at the start of a file to tell its family. */
export const HEAD_BYTES = 16;
/**
 * Bytes kept from the end of a ZIP to read its central directory, which lists every entry
 * (an OOXML file's is a few kilobytes). A ZIP whose directory is larger is refused.
 */
export const ZIP_TAIL_BYTES = 128 * 1024;

export type HeadVerdict = Exclude<AcceptedMediaType, typeof DOCX | typeof XLSX> | 'zip';

const startsWith = (buf: Buffer, bytes: readonly number[], at = 0) => buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The family of a file from its first bytes, or null when it is none we accept. Only magic
 * numbers count, never the name or the client's Content-Type.
 */
export function sniffHead(head: Buffer): HeadVerdict | null {
  // %PDF-1.x or %PDF-2.x at the very start (readers tolerate junk before it; we do not).
  if (startsWith(head, ascii('%PDF-')) && (head[5] === 0x31 || head[5] === 0x32) && head[6] === 0x2e) return 'application/pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // PNG signature followed by the mandatory IHDR chunk.
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && startsWith(head, ascii('IHDR'), 12)) return 'image/png';
  // Classic TIFF, little- or big-endian (what document scanners write).
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  // A ZIP's first local file header: maybe OOXML, decided from the central directory at the end.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return null;
}

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const MAX_ENTRIES = 10_000;

/**
 * The names in a ZIP's central directory, read from the last bytes of the file (`tail`, of a
 * file `totalSize` bytes long); null when the directory is missing, malformed, ZIP64 or not
 * inside `tail`.
 */
export function zipEntryNames(tail: Buffer, totalSize: number): string[] | null {
  const floor = Math.max(0, tail.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = tail.length - 22; i >= floor; i--) {
    // The real end record is the one whose comment runs exactly to the end of the file.
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || entries === 0xffff || entries > MAX_ENTRIES) return null;
  const start = cdOffset - (totalSize - tail.length);
  if (start < 0 || start + cdSize > eocd) return null;
  const names: string[] = [];
  let at = start;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > eocd || tail.readUInt32LE(at) !== CENTRAL_ENTRY) return null;
    const nameLen = tail.readUInt16LE(at + 28);
    const extraLen = tail.readUInt16LE(at + 30);
    const commentLen = tail.readUInt16LE(at + 32);
    if (at + 46 + nameLen > eocd) return null;
    names.push(tail.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/**
 * Word or Excel (OOXML) from a ZIP's entry names. Macro-enabled documents (vbaProject.bin,
 * i.e. .docm/.xlsm renamed) and any other ZIP are not accepted.
 */
export function ooxmlType(names: readonly string[]): typeof DOCX | typeof XLSX | null {
  const has = new Set(names);
  if (!has.has('[Content_Types].xml')) return null;
  if (names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) return null;
  if (has.has('word/document.xml')) return DOCX;
  if (has.has('xl/workbook.xml')) return XLSX;
  return null;
}

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Knex } from 'knex';
import { formatDossierCode } from '../../domain/dossier-code';

/**
 * Small files with the real headers of each accepted type (and of some refused ones), built
 * in memory for the document tests; `pad` makes them any size without changing their type.
 */

const pad = (head: Buffer, size = 0, tail: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20), tail]);

export function pdf(size = 0): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n', 'latin1');
  return pad(head, size, Buffer.from('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'));
}

export function jpeg(size = 0): Buffer {
  // SOI, APP0 "JFIF", … EOI
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return pad(head, size, Buffer.from([0xff, 0xd9]));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function png(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Little-endian TIFF as scanners write it: header, then one empty IFD. */
export function tiff(): Buffer {
  return Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
}

/** A ZIP of stored (uncompressed) entries, with local headers, central directory and end record. */
export function zip(entries: ReadonlyArray<[string, string | Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>';

export function docx(extra: ReadonlyArray<[string, string | Buffer]> = []): Buffer {
  return zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', RELS], ['word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Tờ khai</w:t></w:r></w:p></w:body></w:document>'], ...extra]);
}

export function xlsx(): Buffer {
  return zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', RELS], ['xl/workbook.xml', '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>']]);
}

/** A Word file with macros (.docm): refused even when named .docx. */
export const docm = () => docx([['word/vbaProject.bin', Buffer.from('macro')]]);

/** A Windows executable's DOS header. */
export function exe(): Buffer {
  const b = Buffer.alloc(128);
  b.write('MZ', 0, 'latin1');
  b.write('This program cannot be run in DOS mode.', 64, 'latin1');
  return b;
}

export const html = () => Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
export const svg = () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let seq = 0;
/**
 * A dossier row written straight into the read model (no workflow), for tests of the
 * document rules that only need a dossier to exist with an agency and an applicant.
 */
export async function insertDossier(db: Knex, opts: { agencyEid: string; applicantIdNumber: string; documents?: unknown[] }): Promise<{ id: number; code: string; agencyId: number }> {
  const agency = await db('agencies').where({ eid: opts.agencyEid }).first('id');
  const procedure = await db('procedures').first('id');
  seq += 1;
  const code = formatDossierCode(opts.agencyEid, '2099-12-31', 10_000 + (process.pid % 10_000) * 100 + seq);
  const [row] = await db('dossiers')
    .insert({
      code,
      workflow_id: `dossier-${code}`,
      procedure_id: procedure.id,
      agency_id: agency.id,
      channel: 'online',
      delivery_method: 'online',
      status: 'SUBMITTED',
      applicant_full_name: 'Nguyễn Thị Thử',
      applicant_id_number: opts.applicantIdNumber,
      documents: JSON.stringify(opts.documents ?? []),
      submitted_at: new Date(),
    })
    .returning('id');
  return { id: Number(row.id), code, agencyId: agency.id };
}

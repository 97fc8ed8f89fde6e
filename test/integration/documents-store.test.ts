import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../db/connection';
import { BlobNotFoundError } from '../../documents/blob-store';
import { claimDocuments } from '../../documents/claim';
import { asciiFallback, contentDisposition, sanitiseFilename } from '../../documents/filename';
import { UnsupportedTypeError, UploadInspector, UploadTooLargeError } from '../../documents/inspect';
import { LocalBlobStore } from '../../documents/local-blob-store';
import { DOCX, XLSX } from '../../documents/media-types';
import { S3BlobStore } from '../../documents/s3-blob-store';
import { ooxmlType, sniffHead, zipEntryNames } from '../../documents/sniff';
import { documentsConfig } from '../../platform/config';
import { docm, docx, exe, html, insertDossier, jpeg, pdf, png, sha256Hex, svg, tiff, xlsx, zip } from '../helpers/document-fixtures';
import { startS3Sandbox, type S3Sandbox } from '../helpers/s3-sandbox';

/** A source that yields `bytes` in chunks, then fails like an aborted upload. */
function failingSource(bytes: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
      throw new Error('client went away');
    })(),
  );
}

const chunked = (bytes: Buffer, chunk = 64 * 1024) => Readable.from((function* () {
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
})());

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function inspect(bytes: Buffer, max = 10 * 1024 * 1024) {
  const inspector = new UploadInspector(max);
  await pipeline(chunked(bytes, 7), inspector, async (s) => {
    for await (const _ of s) void _;
  });
  return inspector.result();
}

describe('type sniffing from the bytes', () => {
  it('recognises PDF, JPEG, PNG, TIFF, DOCX and XLSX whatever the chunking', async () => {
    expect((await inspect(pdf())).mediaType).toBe('application/pdf');
    expect((await inspect(jpeg())).mediaType).toBe('image/jpeg');
    expect((await inspect(png())).mediaType).toBe('image/png');
    expect((await inspect(tiff())).mediaType).toBe('image/tiff');
    expect((await inspect(docx())).mediaType).toBe(DOCX);
    expect((await inspect(xlsx())).mediaType).toBe(XLSX);
    const big = pdf(300_000);
    expect(await inspect(big)).toEqual({ mediaType: 'application/pdf', sizeBytes: big.length, sha256: sha256Hex(big) });
  });

  it('refuses executables, HTML, SVG, plain ZIPs and macro documents', async () => {
    for (const bytes of [exe(), html(), svg(), Buffer.from('just text, not a document'), zip([['a.txt', 'x']]), docm()]) {
      await expect(inspect(bytes)).rejects.toBeInstanceOf(UnsupportedTypeError);
    }
    expect(sniffHead(exe())).toBeNull();
    // An OOXML whose central directory is out of reach is refused, not guessed.
    expect(zipEntryNames(docx().subarray(-10), docx().length)).toBeNull();
    expect(ooxmlType(['word/document.xml'])).toBeNull();
  });

  it('fails as soon as the limit is passed', async () => {
    await expect(inspect(pdf(2000), 1999)).rejects.toBeInstanceOf(UploadTooLargeError);
    expect((await inspect(pdf(2000), 2000)).sizeBytes).toBe(2000);
  });
});

describe('file names', () => {
  it('keeps Vietnamese names, drops paths, controls and bidi tricks, and fits the extension to the type', () => {
    expect(sanitiseFilename('Tờ khai CT01.pdf', 'application/pdf')).toBe('Tờ khai CT01.pdf');
    // Decomposed (NFD) input from some systems comes out composed (NFC).
    expect(sanitiseFilename('Tờ khai.pdf'.normalize('NFD'), 'application/pdf')).toBe('Tờ khai.pdf'.normalize('NFC'));
    expect(sanitiseFilename('..\\..\\Windows\\system32\\giấy phép.PDF', 'application/pdf')).toBe('giấy phép.pdf');
    expect(sanitiseFilename('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(sanitiseFilename('\u202Efdp.exe', 'application/pdf')).toBe('fdp.pdf');
    expect(sanitiseFilename('ảnh.jpg', 'image/png')).toBe('ảnh.png');
    expect(sanitiseFilename('Biên bản 12.5.2026', 'image/jpeg')).toBe('Biên bản 12.5.2026.jpg');
    expect(sanitiseFilename('', 'image/tiff')).toBe('tai-lieu.tif');
    expect(sanitiseFilename('CON.pdf', 'application/pdf')).toBe('_CON.pdf');
    expect([...sanitiseFilename('ư'.repeat(400) + '.pdf', 'application/pdf')]).toHaveLength(150);
  });

  it('offers an ASCII name and the exact UTF-8 one (RFC 5987)', () => {
    expect(asciiFallback('Đơn đề nghị "gấp".pdf')).toBe('Don de nghi _gap_.pdf');
    expect(contentDisposition("Tờ khai (bản sao)'s.pdf")).toBe(
      `attachment; filename="To khai (ban sao)'s.pdf"; filename*=UTF-8''T%E1%BB%9D%20khai%20%28b%E1%BA%A3n%20sao%29%27s.pdf`,
    );
  });
});

describe('LocalBlobStore', () => {
  let dir: string;
  let store: LocalBlobStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
    store = new LocalBlobStore(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores under a random key, reads back, reports the size and deletes', async () => {
    const bytes = pdf(200_000);
    const { key, sizeBytes } = await store.put(chunked(bytes));
    expect(key).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    expect(sizeBytes).toBe(bytes.length);
    expect(await store.head(key)).toEqual({ sizeBytes: bytes.length });
    const back: Buffer[] = [];
    for await (const c of await store.get(key)) back.push(c as Buffer);
    expect(Buffer.concat(back).equals(bytes)).toBe(true);
    expect(fs.statSync(path.join(dir, key)).mode & 0o777).toBe(0o600);
    await store.delete(key);
    expect(await store.head(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete(key); // absent: no error
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const before = filesUnder(dir);
    await expect(store.put(failingSource(pdf(500_000)))).rejects.toThrow('client went away');
    expect(filesUnder(dir)).toEqual(before);
  });

  it('never opens a key it did not make', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a blob key/);
    await expect(store.head('2026/01/../../x')).rejects.toThrow(/not a blob key/);
  });
});

describe('S3BlobStore against the S3 sandbox', () => {
  let sandbox: S3Sandbox;
  let store: S3BlobStore;
  beforeAll(async () => {
    sandbox = await startS3Sandbox();
    store = new S3BlobStore({
      bucket: sandbox.bucket,
      region: sandbox.region,
      endpoint: sandbox.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
      prefix: 'documents/',
    });
  });
  afterAll(async () => {
    store.client.destroy();
    await sandbox.close();
  });

  it('round-trips a small blob with one signed PutObject', async () => {
    const bytes = jpeg(40_000);
    const { key, sizeBytes } = await store.put(chunked(bytes));
    expect(sizeBytes).toBe(bytes.length);
    expect(sandbox.objects.get(`documents/${key}`)?.equals(bytes)).toBe(true);
    expect(await store.head(key)).toEqual({ sizeBytes: bytes.length });
    const back: Buffer[] = [];
    for await (const c of await store.get(key)) back.push(c as Buffer);
    expect(Buffer.concat(back).equals(bytes)).toBe(true);
    await store.delete(key);
    expect(await store.head(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('streams a large blob as a multipart upload of ≥ 5 MiB parts', async () => {
    const bytes = pdf(12 * 1024 * 1024 + 123);
    const { key } = await store.put(chunked(bytes));
    expect(sandbox.objects.get(`documents/${key}`)?.equals(bytes)).toBe(true);
    const parts = sandbox.requests.filter((r) => r.method === 'PUT' && r.query.includes('partNumber'));
    expect(parts.length).toBe(3);
    expect(sandbox.openUploads()).toBe(0);
  });

  it('aborts the multipart upload when the source fails, leaving no object', async () => {
    const objects = sandbox.objects.size;
    await expect(store.put(failingSource(pdf(7 * 1024 * 1024)))).rejects.toThrow('client went away');
    expect(sandbox.objects.size).toBe(objects);
    expect(sandbox.openUploads()).toBe(0);
    expect(sandbox.requests.some((r) => r.method === 'DELETE' && r.query.includes('uploadId'))).toBe(true);
  });

  it('is refused with a wrong secret or region (the sandbox checks SigV4)', async () => {
    for (const wrong of [{ secretAccessKey: 'not-the-secret' }, { region: 'us-east-1' }]) {
      const bad = new S3BlobStore({
        bucket: sandbox.bucket,
        region: wrong.region ?? sandbox.region,
        endpoint: sandbox.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: wrong.secretAccessKey ?? sandbox.secretAccessKey },
      });
      await expect(bad.put(chunked(pdf()))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      bad.client.destroy();
    }
  });
});

describe('configuration', () => {
  it('defaults to a local folder under DATA_DIR and 10 MiB, and checks S3 settings', () => {
    const c = documentsConfig({ DATA_DIR: '/srv/dossier' });
    expect(c).toMatchObject({ store: 'local', dir: '/srv/dossier/documents', maxUploadBytes: 10 * 1024 * 1024 });
    expect(() => documentsConfig({ DOCUMENTS_STORE: 's3' })).toThrow(/DOCUMENTS_S3_BUCKET/);
    expect(() => documentsConfig({ DOCUMENTS_STORE: 'ftp' })).toThrow(/local or s3/);
    expect(() => documentsConfig({ DOCUMENTS_S3_PART_SIZE_BYTES: '1000' })).toThrow(/5242880/);
    const s3 = documentsConfig({ DOCUMENTS_STORE: 's3', DOCUMENTS_S3_BUCKET: 'b', DOCUMENTS_S3_ENDPOINT: 'http://minio:9000' });
    expect(s3.s3).toMatchObject({ bucket: 'b', forcePathStyle: true, region: 'us-east-1', prefix: 'documents/' });
  });
});

describe('claimDocuments', () => {
  let db: Knex;
  const citizen = '079200000101';
  const other = '079200000102';
  beforeAll(() => {
    db = createDb(inject('databaseUrl'), { max: 3 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function upload(owner: { owner_id_number?: string; agency_id?: number; dossier_id?: number }): Promise<string> {
    const [row] = await db('documents')
      .insert({ id: crypto.randomUUID(), filename: 'x.pdf', media_type: 'application/pdf', size_bytes: 10, sha256: 'a'.repeat(64), storage_key: `2026/01/${crypto.randomUUID()}`, ...owner })
      .returning('id');
    return row.id;
  }

  it("links the citizen's own uploads to the dossier, idempotently", async () => {
    const d = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const a = await upload({ owner_id_number: citizen });
    const b = await upload({ owner_id_number: citizen });
    const claimed = await db.transaction((trx) => claimDocuments(trx, { fileIds: [a, undefined, b.toUpperCase()], ownerIdNumber: citizen, dossierId: d.id, agencyId: d.agencyId }));
    expect(claimed.map((c) => c.id)).toEqual([a, b]);
    const rows = await db('documents').whereIn('id', [a, b]).select('dossier_id', 'agency_id');
    expect(rows.every((r) => Number(r.dossier_id) === d.id && r.agency_id === d.agencyId)).toBe(true);
    // A retried submission claims the same files again without complaint.
    await db.transaction((trx) => claimDocuments(trx, { fileIds: [a], ownerIdNumber: citizen, dossierId: d.id, agencyId: d.agencyId }));
  });

  it('names every bad documents[i].fileId in Vietnamese and claims nothing', async () => {
    const d1 = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const d2 = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const mine = await upload({ owner_id_number: citizen });
    const theirs = await upload({ owner_id_number: other });
    const elsewhere = await upload({ owner_id_number: citizen, dossier_id: d1.id, agency_id: d1.agencyId });
    const fresh = await upload({ owner_id_number: citizen });
    const err = await db
      .transaction((trx) =>
        claimDocuments(trx, {
          fileIds: [mine, 'file-001', theirs, crypto.randomUUID(), elsewhere, mine, null, fresh],
          ownerIdNumber: citizen,
          dossierId: d2.id,
          agencyId: d2.agencyId,
        }),
      )
      .catch((e) => e);
    expect(err.kind).toBe('invalid'); // DomainError 'invalid': answered 422 by api/problem.ts
    const errors = err.extra.errors as Array<{ field: string; message: string }>;
    expect(errors.map((e) => e.field)).toEqual(['documents[1].fileId', 'documents[2].fileId', 'documents[3].fileId', 'documents[4].fileId', 'documents[5].fileId']);
    expect(errors[0]!.message).toMatch(/định dạng/);
    // Someone else's file and an unknown one read alike.
    expect(errors[1]!.message).toBe(errors[2]!.message);
    expect(errors[3]!.message).toMatch(/hồ sơ khác/);
    expect(errors[4]!.message).toMatch(/documents\[0\]/);
    expect((await db('documents').where('id', fresh).first('dossier_id')).dossier_id).toBeNull();
  });

  it('at the counter, accepts scans of the same agency only when asked to', async () => {
    const d = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const otherAgency = await db('agencies').where({ eid: '000.00.12.H29' }).first('id');
    const scan = await upload({ agency_id: d.agencyId });
    const foreign = await upload({ agency_id: otherAgency.id });
    const attempt = (accept: boolean, ids: string[]) =>
      db.transaction((trx) => claimDocuments(trx, { fileIds: ids, ownerIdNumber: citizen, dossierId: d.id, agencyId: d.agencyId, acceptAgencyUploads: accept, path: 'attachments' })).catch((e) => e);
    expect((await attempt(false, [scan])).extra.errors).toEqual([{ field: 'attachments[0].fileId', message: expect.any(String) }]);
    expect((await attempt(true, [scan, foreign])).extra.errors.map((e: { field: string }) => e.field)).toEqual(['attachments[1].fileId']);
    expect(await attempt(true, [scan])).toHaveLength(1);
  });

  it('lets only one of two concurrent dossiers take a file', async () => {
    const d1 = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const d2 = await insertDossier(db, { agencyEid: '000.20.20.H29', applicantIdNumber: citizen });
    const f = await upload({ owner_id_number: citizen });
    const results = await Promise.allSettled(
      [d1, d2].map((d) => db.transaction(async (trx) => {
        const r = await claimDocuments(trx, { fileIds: [f], ownerIdNumber: citizen, dossierId: d.id, agencyId: d.agencyId });
        await new Promise((res) => setTimeout(res, 100));
        return r;
      })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

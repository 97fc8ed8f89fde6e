import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDocuments } from '../../documents/claim';
import { DOCX, XLSX } from '../../documents/media-types';
import { citizenToken, http as call, officerToken, readAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { docm, docx, exe, html, insertDossier, jpeg, pdf, png, sha256Hex, svg, tiff, xlsx, zip } from '../helpers/document-fixtures';
import { startS3Sandbox, type S3Sandbox } from '../helpers/s3-sandbox';

/**
 * Documents over the real API on real PostgreSQL: uploads (multipart, limits, type from the
 * bytes), streamed downloads with their headers, and who may read what. The blob store is
 * configured as in production, through the environment the app reads at start.
 */

const LIMIT = 1024 * 1024;
const CITIZEN_A = '079200001001';
const CITIZEN_B = '079200001002';
const AGENCY = '000.20.20.H29';

let storeDir: string;
let dossierCode: string;
let dossierId: number;

type Auth = { citizen: string } | { officer: string } | null;

async function authHeader(auth: Auth): Promise<Record<string, string>> {
  if (!auth) return {};
  if ('citizen' in auth) return { Authorization: `Bearer ${await citizenToken(auth.citizen)}` };
  return { Authorization: `Bearer ${await officerToken(auth.officer)}` };
}

async function upload(url: string, auth: Auth, file: { bytes: Buffer; filename: string; type?: string } | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.filename);
  return readAnswer(await fetch(`${api.baseUrl}${url}`, { method: 'POST', body: form, headers: await authHeader(auth) }));
}

const citizenUpload = (citizen: string, bytes: Buffer, filename: string, fields: Record<string, string> = {}) => upload('/api/v1/citizen/documents', { citizen }, { bytes, filename }, fields);

async function download(id: string, auth: Auth) {
  const res = await fetch(`${api.baseUrl}/api/v1/documents/${id}`, { headers: await authHeader(auth) });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function eventuallyEqual<T>(fn: () => T, expected: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (JSON.stringify(fn()) !== JSON.stringify(expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(fn()).toEqual(expected);
}

// The blob store, configured before the app starts (it reads the environment then) and removed after it stops.
beforeAll(() => {
  storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'documents-api-'));
  process.env.DOCUMENTS_STORE = 'local';
  process.env.DOCUMENTS_DIR = storeDir;
  process.env.MAX_UPLOAD_BYTES = String(LIMIT);
});
afterAll(() => {
  fs.rmSync(storeDir, { recursive: true, force: true });
});
const { api } = useStack({ name: 'documents', worker: false });
beforeAll(async () => {
  // Citizen A's dossier, written into the read model as a submission leaves it (no workflow needed here).
  const dossier = await insertDossier(api.db, { agencyEid: AGENCY, applicantIdNumber: CITIZEN_A, documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }] });
  dossierCode = dossier.code;
  dossierId = dossier.id;
});

describe('citizen upload and download', () => {
  it('stores a PDF with its SHA-256 and streams the same bytes back with the headers', async () => {
    const bytes = pdf(300_000);
    const up = await citizenUpload(CITIZEN_A, bytes, 'Tờ khai CT01.pdf', { name: 'Tờ khai thay đổi thông tin cư trú (CT01)' });
    expect(up.status).toBe(201);
    expect(up.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      filename: 'Tờ khai CT01.pdf',
      name: 'Tờ khai thay đổi thông tin cư trú (CT01)',
      mediaType: 'application/pdf',
      sizeBytes: bytes.length,
      sha256: sha256Hex(bytes),
      createdAt: expect.stringMatching(/\+07:00$/),
    });
    expect(up.headers.get('location')).toBe(`/api/v1/documents/${up.body.id}`);
    const row = await api.db('documents').where({ id: up.body.id }).first();
    expect(row).toMatchObject({ owner_id_number: CITIZEN_A, dossier_id: null, agency_id: null, uploaded_by: null, media_type: 'application/pdf', sha256: sha256Hex(bytes) });
    expect(row.storage_key).not.toContain('Tờ');
    expect(fs.readFileSync(path.join(storeDir, row.storage_key)).equals(bytes)).toBe(true);

    const down = await download(up.body.id, { citizen: CITIZEN_A });
    expect(down.status).toBe(200);
    expect(down.bytes.equals(bytes)).toBe(true);
    expect(down.headers.get('content-type')).toBe('application/pdf');
    expect(down.headers.get('content-length')).toBe(String(bytes.length));
    expect(down.headers.get('content-disposition')).toBe(`attachment; filename="To khai CT01.pdf"; filename*=UTF-8''T%E1%BB%9D%20khai%20CT01.pdf`);
    expect(down.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha256Hex(bytes), 'hex').toString('base64')}:`);
    expect(down.headers.get('x-content-type-options')).toBe('nosniff');
    expect(down.headers.get('cache-control')).toBe('private, no-store');
    const head = await fetch(`${api.baseUrl}/api/v1/documents/${up.body.id}`, { method: 'HEAD', headers: await authHeader({ citizen: CITIZEN_A }) });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('detects JPEG, PNG, TIFF, DOCX and XLSX from the bytes and fixes a misleading extension', async () => {
    const cases: Array<[Buffer, string, string, string]> = [
      [jpeg(5000), 'Ảnh CCCD mặt trước.jpeg', 'image/jpeg', 'Ảnh CCCD mặt trước.jpeg'],
      [png(), 'ảnh chụp.jpg', 'image/png', 'ảnh chụp.png'],
      [tiff(), 'bản quét', 'image/tiff', 'bản quét.tif'],
      [docx(), 'Đơn đề nghị.docx', DOCX, 'Đơn đề nghị.docx'],
      [xlsx(), 'Bảng kê.xlsx', XLSX, 'Bảng kê.xlsx'],
    ];
    for (const [bytes, filename, mediaType, stored] of cases) {
      const up = await citizenUpload(CITIZEN_A, bytes, filename);
      expect(up.status, filename).toBe(201);
      expect(up.body).toMatchObject({ mediaType, filename: stored, sha256: sha256Hex(bytes), sizeBytes: bytes.length, name: null });
      const down = await download(up.body.id, { citizen: CITIZEN_A });
      expect(down.headers.get('content-type')).toBe(mediaType);
      expect(down.bytes.equals(bytes)).toBe(true);
    }
  });

  it('lists the citizen’s own uploads, and only theirs', async () => {
    const mine = await call('GET', `${api.baseUrl}/api/v1/citizen/documents`, { headers: { Authorization: `Bearer ${await citizenToken(CITIZEN_A)}` } });
    expect(mine.status).toBe(200);
    expect(mine.body.documents.length).toBeGreaterThanOrEqual(6);
    expect(mine.body.documents.every((d: { uploadedBy: string }) => d.uploadedBy === 'citizen')).toBe(true);
    const theirs = await call('GET', `${api.baseUrl}/api/v1/citizen/documents`, { headers: { Authorization: `Bearer ${await citizenToken(CITIZEN_B)}` } });
    expect(theirs.body.documents).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses spoofed and unaccepted types with 415 in Vietnamese, storing nothing', async () => {
    const before = filesUnder(storeDir);
    const rows = Number((await api.db('documents').count('* as n').first())!.n);
    const spoofs: Array<[Buffer, string]> = [
      [exe(), 'Giấy khai sinh.pdf'], // an executable renamed .pdf
      [pdf(), 'hoso.exe'], // a PDF renamed .exe
      [html(), 'tokhai.pdf'],
      [svg(), 'anh.png'],
      [zip([['readme.txt', 'hello']]), 'tailieu.docx'],
      [docm(), 'don.docx'],
      [html(), 'trang.html'],
    ];
    for (const [bytes, filename] of spoofs) {
      const up = await citizenUpload(CITIZEN_A, bytes, filename);
      expect(up.status, filename).toBe(415);
      expect(up.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(up.body.detail).toMatch(/không được chấp nhận/);
      expect(up.body.accepted).toContain('application/pdf');
    }
    expect(filesUnder(storeDir)).toEqual(before);
    expect(Number((await api.db('documents').count('* as n').first())!.n)).toBe(rows);
  });

  it('answers 413 past MAX_UPLOAD_BYTES and removes the partial blob', async () => {
    const before = filesUnder(storeDir);
    const exact = await citizenUpload(CITIZEN_A, pdf(LIMIT), 'vừa đủ.pdf');
    expect(exact.status).toBe(201);
    const beforeOversize = filesUnder(storeDir);
    expect(beforeOversize.length).toBe(before.length + 1);
    const over = await citizenUpload(CITIZEN_A, pdf(LIMIT + 1), 'quá lớn.pdf');
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ status: 413, maxBytes: LIMIT, detail: expect.stringMatching(/vượt quá dung lượng cho phép \(tối đa 1 MB\)/) });
    expect(filesUnder(storeDir)).toEqual(beforeOversize);
    // Far too large: refused on Content-Length before a byte is stored.
    const huge = await citizenUpload(CITIZEN_A, pdf(4 * LIMIT), 'rất lớn.pdf');
    expect(huge.status).toBe(413);
    expect(filesUnder(storeDir)).toEqual(beforeOversize);
  });

  it('leaves no partial file when the client aborts mid-upload', async () => {
    const before = filesUnder(storeDir);
    const rows = Number((await api.db('documents').count('* as n').first())!.n);
    const boundary = '----dossier-test-boundary';
    const token = await citizenToken(CITIZEN_A);
    await new Promise<void>((resolve) => {
      const req = http.request(`${api.baseUrl}/api/v1/citizen/documents`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        resolve();
      });
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dang-tai.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
      req.write(pdf(200_000));
      // Give the server time to start writing the blob, then drop the connection.
      setTimeout(() => {
        expect(filesUnder(storeDir).some((f) => f.startsWith('.incoming'))).toBe(true);
        req.destroy();
        resolve();
      }, 300);
    });
    await eventuallyEqual(() => filesUnder(storeDir), before);
    expect(Number((await api.db('documents').count('* as n').first())!.n)).toBe(rows);
  });

  it('answers 422 for a missing or empty file, extra files and unknown fields', async () => {
    const before = filesUnder(storeDir);
    const missing = await upload('/api/v1/citizen/documents', { citizen: CITIZEN_A }, null, { name: 'Tờ khai' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: 'file', message: 'bắt buộc chọn một tệp để tải lên' }]);
    const empty = await citizenUpload(CITIZEN_A, Buffer.alloc(0), 'rong.pdf');
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ field: 'file', message: 'tệp rỗng' }]);
    const unknown = await citizenUpload(CITIZEN_A, pdf(), 'a.pdf', { name: 'Tờ khai', dossierId: '1' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'dossierId', message: 'trường không được hỗ trợ' }]);
    const blankName = await citizenUpload(CITIZEN_A, pdf(), 'a.pdf', { name: '   ' });
    expect(blankName.body.errors).toEqual([{ field: 'name', message: 'không được để trống' }]);

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf())]), 'a.pdf');
    form.append('file', new Blob([new Uint8Array(pdf())]), 'b.pdf');
    const two = await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', body: form, headers: await authHeader({ citizen: CITIZEN_A }) });
    expect(two.status).toBe(422);
    expect(((await two.json()) as { errors: unknown }).errors).toEqual([{ field: 'file', message: 'chỉ gửi một tệp mỗi lần tải lên' }]);

    const json = await call('POST', `${api.baseUrl}/api/v1/citizen/documents`, { body: { idNumber: CITIZEN_A, file: 'JVBERi0=' } });
    expect(json.status).toBe(415);
    await eventuallyEqual(() => filesUnder(storeDir), before);
  });

  it('needs a citizen token to upload as a citizen', async () => {
    expect((await upload('/api/v1/citizen/documents', null, { bytes: pdf(), filename: 'a.pdf' })).status).toBe(401);
    expect((await upload('/api/v1/citizen/documents', { officer: 'motcua.saigon' }, { bytes: pdf(), filename: 'a.pdf' })).status).toBe(403);
  });
});

describe('who may read what', () => {
  let ownUpload: string;

  beforeAll(async () => {
    ownUpload = (await citizenUpload(CITIZEN_A, jpeg(), 'giấy tờ riêng.jpg')).body.id;
  });

  it('hides a citizen’s file from another citizen exactly like an unknown ID', async () => {
    const other = await download(ownUpload, { citizen: CITIZEN_B });
    const unknown = await download(crypto.randomUUID(), { citizen: CITIZEN_B });
    const malformed = await download('not-a-uuid', { citizen: CITIZEN_B });
    expect(other.status).toBe(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(other.json())).toEqual(strip(unknown.json()));
    expect(strip(malformed.json())).toEqual(strip(unknown.json()));
    expect(other.json().detail).toBe('Không tìm thấy tài liệu.');
    expect((await download(ownUpload, null)).status).toBe(401);
  });

  it('keeps a citizen’s upload from officers until it is filed with a dossier, then shows it to that agency only', async () => {
    expect((await download(ownUpload, { officer: 'chuyenvien.saigon1' })).status).toBe(404);
    const agencyId = (await api.db('dossiers').where({ id: dossierId }).first('agency_id')).agency_id;
    await api.db.transaction((trx) => claimDocuments(trx, { fileIds: [ownUpload], ownerIdNumber: CITIZEN_A, dossierId, agencyId }));
    expect((await download(ownUpload, { officer: 'chuyenvien.saigon1' })).status).toBe(200);
    expect((await download(ownUpload, { officer: 'lanhdao.saigon' })).status).toBe(200);
    const foreign = await download(ownUpload, { officer: 'chuyenvien.tuphap' });
    expect(foreign.status).toBe(404);
    expect(foreign.json().detail).toBe('Không tìm thấy tài liệu.');
    expect((await download(ownUpload, { citizen: CITIZEN_A })).status).toBe(200);
    expect((await download(ownUpload, { citizen: CITIZEN_B })).status).toBe(404);
  });

  it('lets officers of the dossier’s agency file documents on it, and the applicant read them', async () => {
    const minutes = pdf(20_000);
    const up = await upload(`/api/v1/dossiers/${dossierCode}/documents`, { officer: 'chuyenvien.saigon1' }, { bytes: minutes, filename: 'Biên bản xác minh.pdf' }, { name: 'Biên bản xác minh thực địa' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: 'Biên bản xác minh.pdf', name: 'Biên bản xác minh thực địa', sha256: sha256Hex(minutes) });
    const row = await api.db('documents').where({ id: up.body.id }).first();
    const officer = await api.db('users').where({ username: 'chuyenvien.saigon1' }).first('id');
    expect(row).toMatchObject({ owner_id_number: null, uploaded_by: officer.id });
    expect(Number(row.dossier_id)).toBe(dossierId);

    const foreign = await upload(`/api/v1/dossiers/${dossierCode}/documents`, { officer: 'chuyenvien.tuphap' }, { bytes: pdf(), filename: 'x.pdf' });
    expect(foreign.status).toBe(404); // another agency: as if unknown (issue 14)
    expect((await upload(`/api/v1/dossiers/${dossierCode}/documents`, { citizen: CITIZEN_A }, { bytes: pdf(), filename: 'x.pdf' })).status).toBe(403);
    expect((await upload(`/api/v1/dossiers/000.20.20.H29-991231-9999/documents`, { officer: 'chuyenvien.saigon1' }, { bytes: pdf(), filename: 'x.pdf' })).status).toBe(404);

    const officerList = await call('GET', `${api.baseUrl}/api/v1/dossiers/${dossierCode}/documents`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(officerList.status).toBe(200);
    expect(officerList.body.documents.map((d: { id: string; uploadedBy: string }) => [d.id, d.uploadedBy])).toEqual([
      [ownUpload, 'citizen'],
      [up.body.id, 'officer'],
    ]);
    expect(officerList.body.documents[1].links.download).toBe(`/api/v1/documents/${up.body.id}`);
    expect(officerList.body.documents[1].name).toBe('Biên bản xác minh thực địa'); // the name the upload gave it, as its answer said
    expect((await call('GET', `${api.baseUrl}/api/v1/dossiers/${dossierCode}/documents`, { headers: { 'X-User-Id': 'chuyenvien.tuphap' } })).status).toBe(404);

    const citizenList = await call('GET', `${api.baseUrl}/api/v1/citizen/dossiers/${dossierCode}/documents`, { headers: { Authorization: `Bearer ${await citizenToken(CITIZEN_A)}` } });
    expect(citizenList.status).toBe(200);
    expect(citizenList.body.documents).toHaveLength(2);
    expect(citizenList.body.documents[1].name).toBe('Biên bản xác minh thực địa');
    const notTheirs = await call('GET', `${api.baseUrl}/api/v1/citizen/dossiers/${dossierCode}/documents`, { headers: { Authorization: `Bearer ${await citizenToken(CITIZEN_B)}` } });
    const unknownCode = await call('GET', `${api.baseUrl}/api/v1/citizen/dossiers/000.20.20.H29-991231-9999/documents`, { headers: { Authorization: `Bearer ${await citizenToken(CITIZEN_B)}` } });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.detail).toBe(unknownCode.body.detail);

    expect((await download(up.body.id, { citizen: CITIZEN_A })).bytes.equals(minutes)).toBe(true);
    expect((await download(up.body.id, { officer: 'chuyenvien.tuphap' })).status).toBe(404);
  });

  it('keeps counter scans made before the dossier exists within the agency', async () => {
    const scan = await upload(`/api/v1/agencies/${AGENCY}/documents`, { officer: 'motcua.saigon' }, { bytes: tiff(), filename: 'scan-0001.tif' });
    expect(scan.status).toBe(201);
    expect((await download(scan.body.id, { officer: 'chuyenvien.saigon2' })).status).toBe(200);
    expect((await download(scan.body.id, { officer: 'chuyenvien.tuphap' })).status).toBe(404);
    expect((await download(scan.body.id, { citizen: CITIZEN_A })).status).toBe(404);
    expect((await upload(`/api/v1/agencies/000.00.12.H29/documents`, { officer: 'chuyenvien.saigon1' }, { bytes: tiff(), filename: 'x.tif' })).status).toBe(403);
  });
});

describe('S3-compatible store through the API', () => {
  let sandbox: S3Sandbox;
  const S3_LIMIT = 8 * 1024 * 1024;

  beforeAll(async () => {
    sandbox = await startS3Sandbox();
    Object.assign(process.env, {
      DOCUMENTS_STORE: 's3',
      DOCUMENTS_S3_ENDPOINT: sandbox.endpoint,
      DOCUMENTS_S3_REGION: sandbox.region,
      DOCUMENTS_S3_BUCKET: sandbox.bucket,
      DOCUMENTS_S3_ACCESS_KEY_ID: sandbox.accessKeyId,
      DOCUMENTS_S3_SECRET_ACCESS_KEY: sandbox.secretAccessKey,
      DOCUMENTS_S3_PREFIX: 'hoso/',
      MAX_UPLOAD_BYTES: String(S3_LIMIT),
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const { api: s3Api } = useStack({ name: 'documents-s3', worker: false });

  const s3Upload = async (bytes: Buffer, filename: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), filename);
    const res = await fetch(`${s3Api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', body: form, headers: await authHeader({ citizen: CITIZEN_A }) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('stores small and multipart uploads in the bucket and streams them back', async () => {
    for (const bytes of [png(), pdf(6 * 1024 * 1024)]) {
      const up = await s3Upload(bytes, 'tài liệu');
      expect(up.status).toBe(201);
      expect(up.body.sha256).toBe(sha256Hex(bytes));
      const row = await s3Api.db('documents').where({ id: up.body.id }).first('storage_key');
      expect(sandbox.objects.get(`hoso/${row.storage_key}`)?.equals(bytes)).toBe(true);
      const res = await fetch(`${s3Api.baseUrl}/api/v1/documents/${up.body.id}`, { headers: await authHeader({ citizen: CITIZEN_A }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    expect(sandbox.requests.some((r) => r.query.includes('partNumber=2'))).toBe(true);
  });

  it('aborts the multipart upload of an oversized or refused file, leaving no object', async () => {
    const objects = sandbox.objects.size;
    expect((await s3Upload(pdf(S3_LIMIT + 1), 'quá lớn.pdf')).status).toBe(413);
    expect((await s3Upload(zip([['a.txt', 'x'.repeat(10)]]), 'x.docx')).status).toBe(415);
    expect(sandbox.objects.size).toBe(objects);
    expect(sandbox.openUploads()).toBe(0);
  });
});

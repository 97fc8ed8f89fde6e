import { expect } from 'vitest';
import { crc32, deflateSync } from 'node:zlib';
import { pdf } from './document-fixtures';
import { citizenToken, eventually, http, payFeeAtCounter, submitSample, type ApiUnderTest } from './stack';

/** A real, decodable PNG (a shop front in three bands of colour), `width`×`height`, for the preview to show. */
export function photoPng(width = 240, height = 160): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    const [r, g, b] = y < height / 4 ? [180, 30, 30] : y < (3 * height) / 4 ? [235, 225, 200] : [90, 90, 90];
    for (let x = 0; x < width; x++) row.set(x % 40 < 4 && y >= height / 4 ? [60, 60, 60] : [r, g, b], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** What an officer reads of a dossier over the API (GET /dossiers/{code}/…), as `user`. */
export async function officerRead(api: ApiUnderTest, code: string, what: '' | 'process-control' | 'audit' | 'deadline' | 'payments' | 'documents', user = 'giamsat.saigon') {
  const r = await http('GET', `${api.baseUrl}/api/v1/dossiers/${encodeURIComponent(code)}${what ? `/${what}` : ''}`, { headers: { 'X-User-Id': user } });
  expect(r.status, `${what || 'dossier'}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** A citizen uploads `file` (a PDF or image) before naming it in a submission or supplement; its id. */
export async function uploadAsCitizen(api: ApiUnderTest, idNumber: string, name: string, file: { bytes: Buffer; type: string; filename: string }): Promise<string> {
  const form = new FormData();
  form.append('name', name);
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.filename);
  const res = await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` }, body: form });
  const body = (await res.json()) as { id?: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id!;
}

const officerAct = (api: ApiUnderTest, code: string, action: string, user: string, body: unknown = {}) =>
  http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/${action}`, { body, headers: { 'X-User-Id': user } });

/**
 * A dossier of the sample agency taken through the steps every section of the detail page has
 * something to show for: submitted online with a PDF and a photo, paid in cash at the counter,
 * accepted, handed to a specialist, a supplement asked during processing and answered by the
 * citizen, proposed and approved, the e-result delivered online. Resolves once it is completed.
 */
export async function processedDossier(api: ApiUnderTest, idNumber: string): Promise<{ code: string; idNumber: string; specialist: string }> {
  const form = await uploadAsCitizen(api, idNumber, 'Giấy đề nghị đăng ký hộ kinh doanh', { bytes: pdf(), type: 'application/pdf', filename: 'giay-de-nghi.pdf' });
  const photo = await uploadAsCitizen(api, idNumber, 'Ảnh mặt tiền địa điểm kinh doanh', { bytes: photoPng(), type: 'image/png', filename: 'mat-tien.png' });
  const submitted = await submitSample(api.baseUrl, idNumber, {
    documents: [
      { name: 'Giấy đề nghị đăng ký hộ kinh doanh', fileId: form, checklistItem: 1 },
      { name: 'Ảnh mặt tiền địa điểm kinh doanh', fileId: photo },
    ],
  }, 'console-dossier');
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const code = submitted.body.code as string;
  await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);
  await payFeeAtCounter(api.baseUrl, code);
  expect((await officerAct(api, code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
  const specialist = await eventually(
    async () => (await api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'))?.username as string | undefined,
    (u) => !!u,
  );
  const asked = await officerAct(api, code, 'review/supplement-request', specialist!, { items: ['Giấy tờ chứng minh quyền sử dụng địa điểm kinh doanh'], reason: 'Hợp đồng thuê địa điểm đã hết hạn' });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  const reply = await uploadAsCitizen(api, idNumber, 'Hợp đồng thuê địa điểm mới', { bytes: pdf(), type: 'application/pdf', filename: 'hop-dong-thue.pdf' });
  const supplied = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/supplement`, {
    body: { documents: [{ name: 'Hợp đồng thuê địa điểm mới', fileId: reply }] },
    headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` },
  });
  expect(supplied.status, JSON.stringify(supplied.body)).toBe(200);
  expect((await officerAct(api, code, 'review/proposal', specialist!, { proposal: 'approve', note: 'Hồ sơ đầy đủ, đủ điều kiện đăng ký' })).status).toBe(200);
  expect((await officerAct(api, code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
  await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${code}`), (s) => s.body.status?.code === 'COMPLETED');
  return { code, idNumber, specialist: specialist! };
}

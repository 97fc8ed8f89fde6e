import { describe, expect, it } from 'vitest';
import { applicantIds, citizenToken, dossierClient, http, officerToken, submitReady, uploadCitizenDocument } from '../helpers/stack';
import { pdf } from '../helpers/document-fixtures';
import { useStack } from '../helpers/use-stack';

/**
 * Documents keep the names they were given, in every list (issue 16, item 2): the name sent
 * with the upload, and the name a supplement gives a file it supplies; a supplement's files
 * join the dossier's own document list, for the officer and for the applicant.
 */
describe('documents keep their names', () => {
  const { api } = useStack({ name: 'document-names' });
  const { officer, citizen } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0796');

  type Listed = { id: string; name: string | null; uploadedBy: string; dossierCode?: string | null };
  const byId = (list: Listed[], id: string) => list.find((d) => d.id === id);
  const officerList = async (code: string) => {
    const r = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/documents`, { headers: { 'X-User-Id': 'chuyenvien.saigon1' } });
    expect(r.status).toBe(200);
    return r.body.documents as Listed[];
  };
  const citizenDossierList = async (code: string, idNumber: string) => {
    const r = await http('GET', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/documents`, { headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    expect(r.status).toBe(200);
    return r.body.documents as Listed[];
  };
  const citizenUploads = async (idNumber: string) => {
    const r = await http('GET', `${api.baseUrl}/api/v1/citizen/documents`, { headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    expect(r.status).toBe(200);
    return r.body.documents as Listed[];
  };
  async function officerUpload(code: string, name: string): Promise<{ status: number; body: Listed }> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), 'bien-ban.pdf');
    const res = await fetch(`${api.baseUrl}/api/v1/dossiers/${code}/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${await officerToken('chuyenvien.saigon1')}` } });
    return { status: res.status, body: (await res.json()) as Listed };
  }

  it('a citizen’s upload with a name shows that name in their uploads, as its answer did', async () => {
    const idNumber = nextIdNumber();
    const id = await uploadCitizenDocument(api.baseUrl, idNumber, 'Tờ khai CT01');
    expect(byId(await citizenUploads(idNumber), id)).toMatchObject({ name: 'Tờ khai CT01', uploadedBy: 'citizen', dossierCode: null });
  });

  it('an officer’s verification minutes keep their name in the officer’s and the applicant’s lists', async () => {
    const { code, idNumber } = await submitReady(api.baseUrl, nextIdNumber(), 'names-minutes');
    const up = await officerUpload(code, 'Biên bản xác minh thực địa');
    expect(up.status).toBe(201);
    expect(up.body.name).toBe('Biên bản xác minh thực địa');
    expect(byId(await officerList(code), up.body.id)).toMatchObject({ name: 'Biên bản xác minh thực địa', uploadedBy: 'officer' });
    expect(byId(await citizenDossierList(code, idNumber), up.body.id)).toMatchObject({ name: 'Biên bản xác minh thực địa', uploadedBy: 'officer' });
  });

  it('files a submission names keep those names in every list', async () => {
    const idNumber = nextIdNumber();
    // Uploaded without a purpose in mind, named by the submission.
    const fileId = await uploadCitizenDocument(api.baseUrl, idNumber, 'scan-0001');
    const submitted = await http('POST', `${api.baseUrl}/api/v1/dossiers`, {
      body: {
        procedureCode: 'KT-HKD',
        agencyEid: '000.20.20.H29',
        deliveryMethod: 'online',
        applicant: { fullName: 'Trần Thị Bình', idNumber, phone: '0912345678' },
        documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', fileId }],
      },
      headers: { 'Idempotency-Key': `names-submit-${process.pid}-${Date.now()}` },
    });
    expect(submitted.status).toBe(201);
    const code = submitted.body.code as string;
    expect(byId(await officerList(code), fileId)).toMatchObject({ name: 'Giấy đề nghị đăng ký hộ kinh doanh', uploadedBy: 'citizen' });
    expect(byId(await citizenUploads(idNumber), fileId)).toMatchObject({ name: 'Giấy đề nghị đăng ký hộ kinh doanh', dossierCode: code });
  });

  it('files supplied during a supplement join the dossier’s list, under the names the supplement gives them', async () => {
    const { code, idNumber } = await submitReady(api.baseUrl, nextIdNumber(), 'names-supplement');
    const asked = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Biên bản họp thành viên hộ gia đình'], reason: 'Thiếu giấy tờ theo quy định', deadlineWorkingDays: 5 });
    expect(asked.status).toBe(200);

    const named = 'Biên bản họp thành viên hộ gia đình (bản sao)';
    // One file uploaded under another name (the supplement's name wins), one uploaded with no name at all.
    const minutesId = await uploadCitizenDocument(api.baseUrl, idNumber, 'bien-ban-hop');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), 'anh-chup.pdf');
    const bare = await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    expect(bare.status).toBe(201);
    const bareId = ((await bare.json()) as { id: string; name: string | null }).id;

    const supplied = await citizen(code, 'supplement', {
      idNumber,
      documents: [
        { name: named, fileId: minutesId },
        { name: 'Bản sao CCCD của chủ hộ', fileId: bareId },
        { name: 'Giấy xác nhận nộp tại quầy' }, // a paper brought to the counter: no file
      ],
    });
    expect(supplied.status).toBe(200);
    expect(supplied.body.status.code).toBe('SUBMITTED');

    const list = await officerList(code);
    expect(byId(list, minutesId)).toMatchObject({ name: named, uploadedBy: 'citizen' });
    expect(byId(list, bareId)).toMatchObject({ name: 'Bản sao CCCD của chủ hộ', uploadedBy: 'citizen' });
    expect(list.map((d) => d.id).sort()).toEqual([minutesId, bareId].sort());
    expect(byId(await citizenDossierList(code, idNumber), minutesId)).toMatchObject({ name: named });
    expect(byId(await citizenUploads(idNumber), minutesId)).toMatchObject({ name: named, dossierCode: code });
  });
});

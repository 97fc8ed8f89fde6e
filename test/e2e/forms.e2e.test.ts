import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vnDocumentDate, vnDocumentDateTime } from '../../domain/vn-time';
import { qrSvg } from '../../forms/qr';
import { applicantIds, citizenToken, dossierClient, eventually, http, officerToken, payFeeAtCounter, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The legal forms as documents people print (issue 16, items 7, 8, 9's Form 04 and 12), over
 * HTTP on the real stack: Form 01 with the fields the circular lists and a QR code that opens
 * the public lookup, the supplement request (02), the refusal slip (03), the apology (04), the
 * stop notice (05), the process-control sheet (06), the e-receipt of a cash and of an online
 * payment, and the e-result; each as HTML and as an A4 PDF whose text, extracted back, is the
 * Vietnamese it was written in; to the applicant and the agency's officers, and to nobody else.
 */

/**
 * The text of each page of a PDF, extracted back with pdf.js, and the pages' sizes. With
 * FORMS_PDF_DIR set, each PDF is also kept there for a look (`pdftoppm -png -r 60`).
 */
let kept = 0;
async function pdfText(bytes: Buffer): Promise<{ pages: string[]; sizes: number[][]; fontsEmbedded: boolean }> {
  if (process.env.FORMS_PDF_DIR) fs.writeFileSync(path.join(process.env.FORMS_PDF_DIR, `form-${String(++kept).padStart(2, '0')}.pdf`), bytes);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  const sizes: number[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(content.items.map((it: any) => `${it.str}${it.hasEOL ? '\n' : ''}`).join('').normalize('NFC'));
    sizes.push(page.view.map((v: number) => Math.round(v * 100) / 100));
  }
  await doc.destroy();
  // Every font is embedded (FontFile2: TrueType), none merely named.
  const raw = bytes.toString('latin1');
  return { pages, sizes, fontsEmbedded: /\/FontFile2/.test(raw) && !/\/BaseFont\s*\/(Helvetica|Times-Roman|Courier)\b/.test(raw) };
}

/** Lines joined with spaces: a long value may wrap across lines. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  if ((res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, bytes, json };
}

function expectDocumentHeaders(r: { headers: Headers; bytes: Buffer }, type: RegExp, ext: string): void {
  expect(r.headers.get('content-type')).toMatch(type);
  expect(r.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="[A-Za-z0-9._-]+\\.${ext}"$`));
  expect(r.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(r.bytes).digest('base64')}:`);
  expect(r.headers.get('cache-control')).toBe('no-store');
}

describe('legal forms as documents people print', () => {
  const { api } = useStack({ name: 'forms' });
  const { officer, citizen, assigneeOf } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0797');
  const NAME = 'Nguyễn Thị Ánh Tuyết';
  const ADDRESS = '12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh';
  const EMAIL = 'tuyet.nguyen@example.vn';

  async function submit(): Promise<{ code: string; idNumber: string }> {
    const idNumber = nextIdNumber();
    const r = await submitSample(api.baseUrl, idNumber, { applicant: { fullName: NAME, idNumber, phone: '0912345678', email: EMAIL, address: ADDRESS } }, 'forms');
    expect(r.status).toBe(201);
    await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${r.body.code}`), (s) => s.body.history?.length === 1);
    return { code: r.body.code, idNumber };
  }
  const officerForm = async (code: string, form: string, opts: { user?: string; format?: string; accept?: string } = {}) =>
    get(`${api.baseUrl}/api/v1/dossiers/${code}/forms/${form}${opts.format ? `?format=${opts.format}` : ''}`, {
      Authorization: `Bearer ${await officerToken(opts.user ?? 'motcua.saigon')}`,
      ...(opts.accept ? { Accept: opts.accept } : {}),
    });
  const citizenForm = async (code: string, idNumber: string, form: string, opts: { format?: string; accept?: string } = {}) =>
    get(`${api.baseUrl}/api/v1/citizen/dossiers/${code}/forms/${form}${opts.format ? `?format=${opts.format}` : ''}`, {
      Authorization: `Bearer ${await citizenToken(idNumber)}`,
      ...(opts.accept ? { Accept: opts.accept } : {}),
    });
  const row = (code: string) => api.db('dossiers').where({ code }).first();

  it('Form 01: address, e-mail, legal processing time, sets, tracking-book number and a QR code that opens the lookup; the PDF says it in Vietnamese', async () => {
    const { code, idNumber } = await submit();
    const notYet = await officerForm(code, 'receipt');
    expect(notYet.status).toBe(409);
    expect(notYet.json.detail).toMatch(/chưa được tiếp nhận/);
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const d = await row(code);
    const year = Number(vnDocumentDate(d.received_at).slice(-4));
    expect(d).toMatchObject({ tracking_book_year: year, tracking_book_number: expect.any(Number) });

    // A second dossier of the agency received the same year takes the next number of the book.
    const other = await submit();
    await payFeeAtCounter(api.baseUrl, other.code);
    expect((await officer(other.code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    expect((await row(other.code)).tracking_book_number).toBeGreaterThan(d.tracking_book_number);
    const { max } = (await api.db('dossiers').where({ agency_id: d.agency_id, tracking_book_year: year }).max('tracking_book_number as max').first()) as { max: number };
    // The acceptance numbered it from the book's own sequence (migration 20261212000001), which is at the last number given.
    expect(Number((await api.db.raw('select last_value from ??', [`tracking_book.agency_${d.agency_id}_${year}`])).rows[0].last_value)).toBe(max);

    // The JSON receipt has every field the circular lists.
    const json = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      code,
      applicant: { fullName: NAME, idNumber, email: EMAIL, address: ADDRESS, phone: '0912345678' },
      processingTime: '3 ngày làm việc',
      sets: 1,
      trackingBook: { volume: year, number: d.tracking_book_number },
    });

    // The PDF, for the officer (?format=pdf) and the applicant (Accept: application/pdf): A4, fonts embedded, the text as written.
    const pdf = await officerForm(code, 'receipt', { format: 'pdf' });
    expect(pdf.status).toBe(200);
    expectDocumentHeaders(pdf, /^application\/pdf$/, 'pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const own = await citizenForm(code, idNumber, 'receipt', { accept: 'application/pdf' });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/pdf');
    const { pages, sizes, fontsEmbedded } = await pdfText(pdf.bytes);
    expect(sizes).toEqual([[0, 0, 595.28, 841.89]]); // one A4 page
    expect(fontsEmbedded).toBe(true);
    const text = flat(pages.join('\n'));
    expect(text.toLocaleLowerCase('vi')).toContain('cộng hòa xã hội chủ nghĩa việt nam');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('Mẫu số 01');
    expect(text).toContain(NAME);
    expect(text).toContain(`TP. Hồ Chí Minh, ${vnDocumentDate(d.received_at)}`);
    expect(text).toContain(vnDocumentDateTime(d.received_at));
    expect(text).toContain(`Thời gian trả kết quả giải quyết hồ sơ: ${vnDocumentDateTime(d.appointment_at)}`);
    expect(text).toContain(`Địa chỉ: ${ADDRESS}`);
    expect(text).toContain(`Thư điện tử: ${EMAIL}`);
    expect(text).toContain('Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc');
    expect(text).toContain('Số lượng hồ sơ: 01 bộ');
    expect(text).toContain(`Quyển số ${year}, số thứ tự ${String(d.tracking_book_number).padStart(6, '0')}`);
    expect(text).toContain('Giấy đề nghị đăng ký hộ kinh doanh');
    expect(text).toContain('Trần Thị Mai'); // the receiving officer signs
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);

    // The QR code opens the public lookup of this dossier (code and the last 4 digits of the ID).
    const lookupUrl = `${api.baseUrl}/api/v1/status/${encodeURIComponent(code)}?check=${idNumber.slice(-4)}`;
    expect(text).toContain(lookupUrl);
    const html = await citizenForm(code, idNumber, 'receipt');
    expect(html.status).toBe(200);
    expectDocumentHeaders(html, /^text\/html; charset=utf-8$/, 'html');
    const page = html.bytes.toString('utf8');
    expect(page).toContain(await qrSvg(lookupUrl)); // the same code, drawn inline
    expect(page).not.toMatch(/<script|<link|<img|<style|style=/i); // the document policy loads nothing
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const opened = await get(lookupUrl, {});
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({ code });

    // Today's routes keep working, and say the same.
    const printed = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(printed.headers.get('content-type')).toMatch(/text\/html/);
    expect(printed.body).toContain(`Thời gian trả kết quả giải quyết hồ sơ: <strong>${vnDocumentDateTime(d.appointment_at)}</strong>`);
    expect(printed.body).toContain(EMAIL);
  });

  it('who may download: the applicant and the agency’s officers; anyone else gets the 404 of an unknown code', async () => {
    const { code, idNumber } = await submit();
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const unknownCode = '000.20.20.H29-990101-0001';
    const unknownOfficer = await officerForm(unknownCode, 'receipt');
    const otherAgency = await officerForm(code, 'receipt', { user: 'chuyenvien.tuphap' });
    expect(unknownOfficer.status).toBe(404);
    expect(otherAgency.status).toBe(404);
    expect(otherAgency.json.detail).toBe(unknownOfficer.json.detail);
    const stranger = await citizenForm(code, '001234567890', 'receipt', { format: 'pdf' });
    const strangerUnknown = await citizenForm(unknownCode, '001234567890', 'receipt');
    expect(stranger.status).toBe(404);
    expect(stranger.json.detail).toBe(strangerUnknown.json.detail);
    expect((await get(`${api.baseUrl}/api/v1/citizen/dossiers/${code}/forms/receipt`, {})).status).toBe(401);
    // Any officer of the agency, not only the one-stop: the leader prints it too.
    expect((await officerForm(code, 'receipt', { user: 'lanhdao.saigon', format: 'pdf' })).status).toBe(200);
    // The process-control sheet is the agency's: the applicant does not get it; unknown forms are unknown.
    expect((await officerForm(code, 'process-control')).status).toBe(200);
    expect((await citizenForm(code, idNumber, 'process-control')).status).toBe(404);
    expect((await citizenForm(code, idNumber, 'mau-99')).status).toBe(404);
    const badFormat = await officerForm(code, 'receipt', { format: 'docx' });
    expect(badFormat.status).toBe(422);
    expect((await get(`${api.baseUrl}/api/v1/dossiers/${code}/forms/receipt?x=1`, { Authorization: `Bearer ${await officerToken('motcua.saigon')}` })).status).toBe(422);
  });

  it('Form 02 and Form 03: the supplement request with its items, deadline and officer; the refusal slip with its reasons', async () => {
    const { code, idNumber } = await submit();
    expect((await citizenForm(code, idNumber, 'supplement-request')).status).toBe(409);
    const items = ['Bản sao biên bản họp thành viên hộ gia đình', 'Bản sao CCCD của các thành viên hộ gia đình'];
    const asked = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items, reason: 'Thiếu giấy tờ theo quy định', deadlineWorkingDays: 5 });
    expect(asked.status).toBe(200);
    const event = await api.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where({ 'd.code': code, 'e.type': 'intake_supplement_requested' }).first('e.data', 'e.occurred_at');
    const slip = await citizenForm(code, idNumber, 'supplement-request', { format: 'pdf' });
    expect(slip.status).toBe(200);
    expectDocumentHeaders(slip, /^application\/pdf$/, 'pdf');
    const text = flat((await pdfText(slip.bytes)).pages.join('\n'));
    expect(text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(text).toContain('Mẫu số 02');
    expect(text).toContain(NAME);
    for (const item of items) expect(text).toContain(item);
    expect(text).toContain('Lý do: Thiếu giấy tờ theo quy định');
    expect(text).toContain(`Thời hạn bổ sung, hoàn thiện hồ sơ: ${vnDocumentDateTime(event.data.deadline)}`);
    expect(text).toContain('Trần Thị Mai');
    expect(text).toContain(vnDocumentDate(event.occurred_at));

    // Not refused: no refusal slip. Another dossier refused with reasons: the slip lists them.
    expect((await citizenForm(code, idNumber, 'refusal')).status).toBe(409);
    const refused = await submit();
    const reasons = ['Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường', 'Người nộp không phải là chủ hộ kinh doanh'];
    expect((await officer(refused.code, 'intake/refuse', 'motcua.saigon', { reasons })).status).toBe(200);
    expect((await citizenForm(refused.code, refused.idNumber, 'supplement-request')).status).toBe(409);
    const refusal = await citizenForm(refused.code, refused.idNumber, 'refusal', { format: 'pdf' });
    expect(refusal.status).toBe(200);
    const refusalText = flat((await pdfText(refusal.bytes)).pages.join('\n'));
    expect(refusalText).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
    expect(refusalText).toContain('Mẫu số 03');
    for (const reason of reasons) expect(refusalText).toContain(reason);
    const html = await officerForm(refused.code, 'refusal');
    expect(html.bytes.toString('utf8')).toContain(`<li>${reasons[0]}</li>`);
  });

  it('the e-receipt of a cash payment and of an online one: series and number, amount in figures and in words, payer, agency, legal basis', async () => {
    const cash = await submit();
    expect((await citizenForm(cash.code, cash.idNumber, 'e-receipt')).status).toBe(409); // nothing paid yet
    await payFeeAtCounter(api.baseUrl, cash.code);
    const cashPayment = await api.db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where({ 'd.code': cash.code, 'p.status': 'paid' }).first('p.receipt_series', 'p.receipt_number', 'p.receipt_code', 'p.paid_at');
    const receipt = await citizenForm(cash.code, cash.idNumber, 'e-receipt', { format: 'pdf' });
    expect(receipt.status).toBe(200);
    expectDocumentHeaders(receipt, /^application\/pdf$/, 'pdf');
    expect(receipt.headers.get('content-disposition')).toContain(cashPayment.receipt_code);
    const text = flat((await pdfText(receipt.bytes)).pages.join('\n'));
    expect(text).toContain('BIÊN LAI THU PHÍ, LỆ PHÍ');
    expect(text).toContain(`Ký hiệu: ${cashPayment.receipt_series} Số: ${String(cashPayment.receipt_number).padStart(7, '0')}`);
    expect(text).toContain('Tổng số tiền: 50.000 đồng');
    expect(text).toContain('Số tiền bằng chữ: Năm mươi nghìn đồng');
    expect(text).toContain(`Tên người nộp: ${NAME}`);
    expect(text).toContain('Đơn vị thu: Ủy ban nhân dân Phường Sài Gòn');
    expect(text).toContain('Lệ phí đăng ký hộ kinh doanh');
    expect(text).toContain('Thông tư 85/2019/TT-BTC'); // the fee's legal basis
    expect(text).toContain('Hình thức thanh toán: Tiền mặt');
    expect(text).toContain('Trần Thị Mai'); // the officer who took the cash
    expect(text).toContain(vnDocumentDateTime(cashPayment.paid_at));
    expect((await officerForm(cash.code, 'e-receipt')).status).toBe(200);

    // Online through the gateway: the receipt gets its series and number too.
    const online = await submit();
    const opened = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${online.code}/payments`, { headers: { Authorization: `Bearer ${await citizenToken(online.idNumber)}` } });
    expect(opened.status).toBe(201);
    expect((await http('POST', opened.body.paymentUrl, { body: { action: 'pay' } })).status).toBe(200);
    await api.gateway.idle();
    const paid = await eventually(
      () => api.db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where({ 'd.code': online.code, 'p.status': 'paid' }).first('p.receipt_series', 'p.receipt_number', 'p.receipt_code'),
      (p) => !!p,
    );
    expect(paid.receipt_code).toMatch(/^BL\d{2}-\d{7}$/);
    expect(paid.receipt_number).toBeGreaterThan(cashPayment.receipt_number); // the agency's one yearly series
    const onlineReceipt = await citizenForm(online.code, online.idNumber, 'e-receipt', { format: 'pdf' });
    expect(onlineReceipt.status).toBe(200);
    const onlineText = flat((await pdfText(onlineReceipt.bytes)).pages.join('\n'));
    expect(onlineText).toContain(`Ký hiệu: ${paid.receipt_series} Số: ${String(paid.receipt_number).padStart(7, '0')}`);
    expect(onlineText).toContain('Hình thức thanh toán: Thanh toán trực tuyến');
    expect(onlineText).toContain('Số tiền bằng chữ: Năm mươi nghìn đồng');
  });

  it('Form 04, the e-result, Form 06 and Form 05: the apology with its new appointment, the signed result, the sheet of hand-offs, the stop notice', async () => {
    const { code, idNumber } = await submit();
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    expect((await citizenForm(code, idNumber, 'apology')).status).toBe(409);
    const apology = await officer(code, 'deadline/reappointment', 'lanhdao.saigon', { reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 });
    expect(apology.status).toBe(200);
    const ev = await api.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where({ 'd.code': code, 'e.type': 'reappointed' }).first('e.data');
    const letter = await citizenForm(code, idNumber, 'apology', { format: 'pdf' });
    expect(letter.status).toBe(200);
    const letterText = flat((await pdfText(letter.bytes)).pages.join('\n'));
    expect(letterText).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(letterText).toContain('Mẫu số 04');
    expect(letterText).toContain(`Kính gửi: Ông/Bà ${NAME}`);
    expect(letterText).toContain('Chờ ý kiến của Chi cục Thuế');
    expect(letterText).toContain(vnDocumentDateTime(ev.data.previousAppointmentAt));
    expect(letterText).toContain(`hẹn lại thời gian trả kết quả vào: ${vnDocumentDateTime(ev.data.appointmentAt)}`);
    expect(letterText).toContain('Nguyễn Quốc Bảo'); // the head of the agency signs

    expect((await citizenForm(code, idNumber, 'result')).status).toBe(409);
    expect((await officer(code, 'review/proposal', await assigneeOf(code), { proposal: 'approve' })).status).toBe(200);
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    const result = await eventually(() => citizenForm(code, idNumber, 'result', { format: 'pdf' }), (r) => r.status === 200);
    expectDocumentHeaders(result, /^application\/pdf$/, 'pdf');
    const issued = await api.db('dossier_results as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code).first('r.number', 'r.issued_at');
    const resultText = flat((await pdfText(result.bytes)).pages.join('\n'));
    expect(resultText).toContain('GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH');
    expect(resultText).toContain(`Số: ${issued.number}`);
    expect(resultText).toContain(NAME);
    expect(resultText).toContain(`Ban hành ${vnDocumentDate(issued.issued_at)}`);
    expect(resultText).toContain('Nguyễn Quốc Bảo');
    // The citizen's route of today answers the same document in HTML.
    const legacy = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    expect(legacy.status).toBe(200);
    expect(legacy.body).toContain(issued.number);

    const sheet = await officerForm(code, 'process-control', { user: 'giamsat.saigon', format: 'pdf' });
    expect(sheet.status).toBe(200);
    const sheetText = flat((await pdfText(sheet.bytes)).pages.join('\n'));
    expect(sheetText).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(sheetText).toContain('Mẫu số 06');
    expect(sheetText).toContain('Tiếp nhận hồ sơ');
    expect(sheetText).toContain('Thẩm định, xử lý hồ sơ');
    expect(sheetText).toContain('Phê duyệt kết quả');
    expect(sheetText).toMatch(/Trước hạn|Đúng hạn/);

    // Form 05: a dossier the citizen withdraws gets a stop notice, downloadable as Form 05.
    const withdrawn = await submit();
    await payFeeAtCounter(api.baseUrl, withdrawn.code);
    expect((await officer(withdrawn.code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    expect((await citizenForm(withdrawn.code, withdrawn.idNumber, 'stop-notice')).status).toBe(409);
    expect((await citizen(withdrawn.code, 'withdraw', { idNumber: withdrawn.idNumber, reason: 'Không còn nhu cầu kinh doanh' })).status).toBe(200);
    const notice = await eventually(() => citizenForm(withdrawn.code, withdrawn.idNumber, 'stop-notice', { format: 'pdf' }), (r) => r.status === 200);
    const noticeText = flat((await pdfText(notice.bytes)).pages.join('\n'));
    expect(noticeText).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
    expect(noticeText).toContain('Mẫu số 05');
    expect(noticeText).toContain('Không còn nhu cầu kinh doanh');
    expect((await citizenForm(code, idNumber, 'stop-notice')).status).toBe(409); // an approved dossier has no stop notice
  });
});


import type { Db } from '../db/connection';
import { inTransaction } from '../db/connection';
import { dossierHandoffs } from '../db/repositories/dossier-events';
import { agencyLeaderName, feeNames, findFormDossierByCode, formAgencyByEid, findPaidPayment, latestDossierEvent, type FormDossierRow, type FormEventRow } from '../db/repositories/forms';
import { findIssuedResult } from '../db/repositories/results';
import { ensureTrackingBookNumber } from '../db/repositories/sequences';
import type { TimeLimit } from '../domain/calendar';
import { describeLimit } from '../domain/clock-ledger';
import { DomainError } from '../domain/errors';
import { vndInFigures, vndInWords } from '../domain/vn-number-words';
import { vnDocumentDate, vnDocumentDateTime, vnDocumentTime } from '../domain/vn-time';
import { clockFromFeeNote, receiptAppointment } from '../delivery/clock-note';
import { receivedDocuments } from '../delivery/received-documents';
import { STEP_LABELS } from '../supervision/reports';
import { bold, field, paragraph, type Block, type FormDocument } from './model';

/**
 * The legal forms of a dossier as FormDocuments (forms/model.ts), each from what the system
 * recorded: Form 01 receipt and appointment slip, 02 supplement request, 03 refusal slip, 04
 * apology and new appointment, 05 stop notice, 06 process-control sheet (TT 01/2018/TT-VPCP,
 * TT 03/2025/TT-VPCP Phụ lục I; docs/domain.md §2.4), the e-receipt of the fee (biên lai điện
 * tử, ND 123/2020 art. 32) and the e-result or reasoned denial notice (ND 45/2020 art. 14).
 * A form the dossier does not have (yet) is a conflict with a Vietnamese reason.
 */
export const FORM_IDS = ['receipt', 'supplement-request', 'refusal', 'apology', 'stop-notice', 'process-control', 'e-receipt', 'result'] as const;
export type FormId = (typeof FORM_IDS)[number];

/** The forms the applicant downloads; the process-control sheet is the agency's internal record. */
export const CITIZEN_FORMS: readonly FormId[] = FORM_IDS.filter((f) => f !== 'process-control');

export const isFormId = (v: string): v is FormId => (FORM_IDS as readonly string[]).includes(v);

export type { FormDossierRow };

/** The dossier a form is asked of (undefined for an unknown code); the caller checks who may see it. */
export function formDossier(db: Db, code: string): Promise<FormDossierRow | undefined> {
  return findFormDossierByCode(db, code);
}

export interface FormContext {
  /** The public address of the API, for the QR code of Form 01. */
  publicBaseUrl: string;
}

const CHANNEL: Record<string, string> = { counter: 'Trực tiếp tại Bộ phận Một cửa', online: 'Trực tuyến', postal: 'Qua dịch vụ bưu chính công ích' };
const DELIVERY: Record<string, string> = { counter: 'Tại Bộ phận Một cửa', online: 'Trực tuyến (kết quả điện tử)', postal: 'Qua dịch vụ bưu chính công ích' };
const ONE_STOP = 'Bộ phận Một cửa';
const OUTCOME: Record<string, string> = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Quá hạn' };
const PAYMENT_METHOD: Record<string, string> = { cash: 'Tiền mặt', transfer: 'Chuyển khoản', online: 'Thanh toán trực tuyến' };

const notYet = (reason: string, detail: string) => new DomainError('conflict', 'Form not available', detail, { reason });

/** The place a document is dated at: the province or city of the agency's address. */
function place(d: FormDossierRow): string {
  const parts = (d.agency_address ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // "Thành phố Hồ Chí Minh" is dated "TP. Hồ Chí Minh", "Tỉnh Lâm Đồng" "Lâm Đồng".
  return (parts.at(-1) ?? 'Việt Nam').replace(/^Thành phố /, 'TP. ').replace(/^Tỉnh /, '');
}

const placeAndDate = (d: FormDossierRow, at: Date | string) => `${place(d)}, ${vnDocumentDate(at)}`;
const safeName = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '_');
const oneStopHeader = (d: FormDossierRow) => ({ parent: d.agency_name, name: ONE_STOP });
const agencyHeader = (d: FormDossierRow) => ({ parent: d.agency_parent_name, name: d.agency_name });
const two = (n: number) => String(n).padStart(2, '0');

/** The applicant as the forms list them: name, ID, address, phone and e-mail. */
function applicantBlocks(d: FormDossierRow, lead: string): Block[] {
  return [
    paragraph(lead, bold(d.applicant_full_name)),
    field('Số định danh cá nhân/CCCD', d.applicant_id_number, { bold: false }),
    field('Địa chỉ', d.applicant_address ?? '—', { bold: false }),
    paragraph(`Số điện thoại: ${d.applicant_phone ?? '—'}    Thư điện tử: ${d.applicant_email ?? '—'}`),
  ];
}

function postalLine(d: FormDossierRow): string {
  const a = d.postal_address;
  return a ? [a.line, a.ward, a.province].filter(Boolean).join(', ') : '';
}

// ---------------------------------------------------------------- Form 01

/** Form 01, refused before the dossier is received; numbers it in the tracking book if it has no number yet. */
export async function receiptForm(db: Db, d: FormDossierRow, ctx: FormContext): Promise<FormDocument> {
  if (!d.received_at) throw notYet('NotReceived', 'Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.');
  const book = d.tracking_book_number !== null ? { year: d.tracking_book_year!, number: d.tracking_book_number } : await inTransaction(db, (trx) => ensureTrackingBookNumber(trx, d.id));
  // Every document received, the supplement's included, by the names they were given.
  const documents: Array<{ name: string; copies?: number }> = await receivedDocuments(db, d.id);
  const lookupUrl = `${ctx.publicBaseUrl.replace(/\/+$/, '')}/api/v1/status/${encodeURIComponent(d.code)}?check=${d.applicant_id_number.slice(-4)}`;
  const appointment: Block = {
    kind: 'paragraph',
    runs: [
      'Thời gian trả kết quả giải quyết hồ sơ: ',
      // Where the limit counts from the fee's payment, no appointment until it is paid (delivery/clock-note.ts).
      bold(receiptAppointment(d)),
      ...(d.apology_issued_at && d.due_at ? [` (hẹn lại; ngày hẹn ban đầu ${vnDocumentDateTime(d.due_at)})`] : []),
    ],
  };
  const clockNote = clockFromFeeNote(d);
  const delivery = DELIVERY[d.delivery_method] ?? d.delivery_method;
  return {
    form: 'receipt',
    formNumber: 'Mẫu số 01',
    agency: oneStopHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, d.received_at),
    title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
    subtitle: `Mã hồ sơ: ${d.code}`,
    blocks: [
      paragraph(`${ONE_STOP} ${d.agency_name} đã tiếp nhận hồ sơ của: `, bold(d.applicant_full_name)),
      field('Số định danh cá nhân/CCCD', d.applicant_id_number, { bold: false }),
      field('Địa chỉ', d.applicant_address ?? '—', { bold: false }),
      paragraph(`Số điện thoại: ${d.applicant_phone ?? '—'}    Thư điện tử: ${d.applicant_email ?? '—'}`),
      field('Nội dung yêu cầu giải quyết', d.procedure_name),
      paragraph('Thành phần hồ sơ và số lượng mỗi loại giấy tờ:'),
      { kind: 'list', ordered: true, items: documents.length ? documents.map((x) => [`${x.name} (${two(x.copies ?? 1)} bản)`]) : [['Không có giấy tờ kèm theo']] },
      field('Số lượng hồ sơ', `${two(d.procedure_sets)} bộ`),
      field('Thời gian giải quyết hồ sơ theo quy định', describeLimit(d.procedure_time_limit as TimeLimit)),
      field('Hình thức nộp', CHANNEL[d.channel] ?? d.channel, { bold: false }),
      paragraph('Thời gian nhận hồ sơ: ', bold(vnDocumentDateTime(d.received_at))),
      appointment,
      ...(clockNote ? [paragraph({ text: clockNote, italic: true })] : []),
      field('Đăng ký nhận kết quả tại', d.delivery_method === 'postal' && postalLine(d) ? `${delivery}: ${postalLine(d)}` : delivery, { bold: false }),
      paragraph('Vào Sổ theo dõi hồ sơ: ', bold(`Quyển số ${book!.year}, số thứ tự ${String(book!.number).padStart(6, '0')}`)),
    ],
    qr: { url: lookupUrl, caption: 'Tra cứu tình trạng hồ sơ: quét mã QR, hoặc nhập mã hồ sơ và 4 số cuối số giấy tờ tùy thân của người nộp tại Cổng dịch vụ công.' },
    signatures: {
      left: { title: 'NGƯỜI NỘP HỒ SƠ', note: '(Ký và ghi rõ họ tên)', name: d.applicant_full_name },
      right: { title: 'NGƯỜI TIẾP NHẬN', note: '(Ký và ghi rõ họ tên)', name: d.receiver_name ?? 'Hệ thống tiếp nhận trực tuyến' },
    },
    footnotes: ['Người nộp mang theo Giấy tiếp nhận này (hoặc giấy tờ tùy thân) khi nhận kết quả tại Bộ phận Một cửa.'],
    fileName: `giay-tiep-nhan-${safeName(d.code)}`,
    subject: `Giấy tiếp nhận hồ sơ và hẹn trả kết quả ${d.code}`,
  };
}

// ---------------------------------------------------------------- Form 02

async function event(db: Db, d: FormDossierRow, types: readonly string[], reason: string, detail: string): Promise<FormEventRow> {
  const e = await latestDossierEvent(db, d.id, types);
  if (!e) throw notYet(reason, detail);
  return e;
}

export async function supplementRequestForm(db: Db, d: FormDossierRow): Promise<FormDocument> {
  const e = await event(db, d, ['intake_supplement_requested', 'supplement_requested'], 'NoSupplementRequest', 'Hồ sơ không có yêu cầu bổ sung, hoàn thiện.');
  const items = (e.data.items ?? []) as string[];
  const atIntake = e.type === 'intake_supplement_requested';
  const contact = `${e.actor_name ?? ONE_STOP}${e.actor_phone ?? d.agency_phone ? `, số điện thoại ${e.actor_phone ?? d.agency_phone}` : ''}`;
  return {
    form: 'supplement-request',
    formNumber: 'Mẫu số 02',
    agency: atIntake ? oneStopHeader(d) : agencyHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, e.occurred_at),
    title: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
    subtitle: `Mã hồ sơ: ${d.code}`,
    blocks: [
      ...applicantBlocks(d, `${atIntake ? `${ONE_STOP} ${d.agency_name}` : d.agency_name} đã nhận hồ sơ của: `),
      field('Nội dung yêu cầu giải quyết', d.procedure_name),
      paragraph(`Ngày ${vnDocumentDate(e.occurred_at).replace(/^ngày /, '')}, sau khi xem xét hồ sơ, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:`),
      { kind: 'list', ordered: true, items: items.map((i) => [i]) },
      field('Lý do', e.data.reason ?? '—', { bold: false }),
      ...(e.data.deadline ? [paragraph('Thời hạn bổ sung, hoàn thiện hồ sơ: ', bold(vnDocumentDateTime(e.data.deadline)))] : []),
      paragraph(`Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ ${contact} để được hướng dẫn.`),
    ],
    signatures: { right: { title: atIntake ? 'NGƯỜI TIẾP NHẬN' : 'NGƯỜI HƯỚNG DẪN', note: '(Ký và ghi rõ họ tên)', name: e.actor_name } },
    fileName: `phieu-yeu-cau-bo-sung-${safeName(d.code)}`,
  };
}

// ---------------------------------------------------------------- Form 03

export async function refusalForm(db: Db, d: FormDossierRow): Promise<FormDocument> {
  const e = await event(db, d, ['intake_refused'], 'NotRefused', 'Hồ sơ không bị từ chối tiếp nhận.');
  const reasons = (e.data.reasons ?? []) as string[];
  return {
    form: 'refusal',
    formNumber: 'Mẫu số 03',
    agency: oneStopHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, e.occurred_at),
    title: 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
    subtitle: `Mã hồ sơ: ${d.code}`,
    blocks: [
      ...applicantBlocks(d, `${ONE_STOP} ${d.agency_name} nhận được hồ sơ của: `),
      field('Nội dung yêu cầu giải quyết', d.procedure_name),
      paragraph('Qua nghiên cứu, xem xét hồ sơ và đối chiếu với quy định hiện hành, Bộ phận Một cửa từ chối tiếp nhận hồ sơ này với lý do cụ thể như sau:'),
      { kind: 'list', ordered: true, items: reasons.map((r) => [r]) },
      paragraph('Xin thông báo để Ông/Bà được biết và thực hiện./.'),
    ],
    signatures: { right: { title: 'NGƯỜI TIẾP NHẬN', note: '(Ký và ghi rõ họ tên)', name: e.actor_name } },
    fileName: `phieu-tu-choi-${safeName(d.code)}`,
  };
}

// ---------------------------------------------------------------- Form 04

export async function apologyForm(db: Db, d: FormDossierRow): Promise<FormDocument> {
  const e = await event(db, d, ['reappointed'], 'NoApology', 'Hồ sơ không có phiếu xin lỗi và hẹn lại ngày trả kết quả.');
  // Late because of a coordinating agency (an inter-agency leg, issue 17): that agency issues the apology (docs/domain.md §3.5).
  const byEid = typeof e.data.issuedByAgencyEid === 'string' ? e.data.issuedByAgencyEid : null;
  const issuer = byEid ? await formAgencyByEid(db, byEid) : undefined;
  if (issuer && issuer.id !== d.agency_id) return coordinatingApology(db, d, e, issuer);
  const signer = e.actor_name ?? (await agencyLeaderName(db, d.agency_id));
  return {
    form: 'apology',
    formNumber: 'Mẫu số 04',
    agency: agencyHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, e.occurred_at),
    title: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
    subtitle: null,
    blocks: [
      { kind: 'paragraph', align: 'center', runs: ['Kính gửi: Ông/Bà ', bold(d.applicant_full_name)] },
      paragraph(
        `Ngày ${d.received_at ? vnDocumentDate(d.received_at).replace(/^ngày /, '') : '—'}, ${d.agency_name} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “${d.procedure_name}” của Ông/Bà (số định danh cá nhân/CCCD ${d.applicant_id_number}), mã hồ sơ `,
        bold(d.code),
        '.',
      ),
      paragraph('Thời gian hẹn trả kết quả giải quyết hồ sơ: ', bold(vnDocumentDateTime(e.data.previousAppointmentAt))),
      paragraph(`Tuy nhiên đến nay, ${d.agency_name} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn như đã hẹn. Lý do: ${e.data.reason ?? ''}`),
      paragraph(`Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. ${d.agency_name} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả vào: `, bold(vnDocumentDateTime(e.data.appointmentAt)), '.'),
      paragraph('Kính mong nhận được sự thông cảm của Ông/Bà./.'),
    ],
    signatures: { right: { title: 'THỦ TRƯỞNG CƠ QUAN', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer } },
    fileName: `phieu-xin-loi-${safeName(d.code)}`,
  };
}

/**
 * Form 04 issued by the coordinating agency whose delay made the dossier late: its header, its
 * place and its head's signature; the letter says the delay is that agency's, in the
 * inter-agency processing the receiving agency asked it to take part in.
 */
async function coordinatingApology(
  db: Db,
  d: FormDossierRow,
  e: FormEventRow,
  issuer: { id: number; name: string; address: string | null; parent_name: string | null },
): Promise<FormDocument> {
  const signer = (await agencyLeaderName(db, issuer.id)) ?? e.actor_name;
  const asIssuer = { ...d, agency_address: issuer.address ?? d.agency_address };
  return {
    form: 'apology',
    formNumber: 'Mẫu số 04',
    agency: { parent: issuer.parent_name, name: issuer.name },
    number: null,
    placeAndDate: placeAndDate(asIssuer, e.occurred_at),
    title: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
    subtitle: null,
    blocks: [
      { kind: 'paragraph', align: 'center', runs: ['Kính gửi: Ông/Bà ', bold(d.applicant_full_name)] },
      paragraph(
        `Ngày ${d.received_at ? vnDocumentDate(d.received_at).replace(/^ngày /, '') : '—'}, ${d.agency_name} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “${d.procedure_name}” của Ông/Bà (số định danh cá nhân/CCCD ${d.applicant_id_number}), mã hồ sơ `,
        bold(d.code),
        `, và chuyển ${issuer.name} phối hợp giải quyết theo cơ chế liên thông.`,
      ),
      paragraph('Thời gian hẹn trả kết quả giải quyết hồ sơ: ', bold(vnDocumentDateTime(e.data.previousAppointmentAt))),
      paragraph(
        `Tuy nhiên đến nay, hồ sơ của Ông/Bà chưa được trả kết quả đúng hạn như đã hẹn do ${issuer.name} (cơ quan phối hợp) giải quyết phần việc của mình quá thời hạn; sự chậm trễ thuộc trách nhiệm của ${issuer.name}, không phải của ${d.agency_name}. Lý do: ${e.data.reason ?? ''}`,
      ),
      paragraph(`Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. ${issuer.name} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả vào: `, bold(vnDocumentDateTime(e.data.appointmentAt)), '.'),
      paragraph(`Kết quả được trả tại ${d.agency_name} theo phương thức Ông/Bà đã đăng ký.`),
      paragraph('Kính mong nhận được sự thông cảm của Ông/Bà./.'),
    ],
    signatures: { right: { title: 'THỦ TRƯỞNG CƠ QUAN', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer } },
    fileName: `phieu-xin-loi-${safeName(d.code)}`,
  };
}

// ---------------------------------------------------------------- Form 05 and the e-result

/** "Ban hành ngày 03 tháng 12 năm 2026, lúc 08 giờ 47 phút": the issue date as the document says it. */
const issuedAt = (at: Date | string) => `Ban hành ${vnDocumentDate(at)}, lúc ${vnDocumentTime(at)}`;

/**
 * The electronic result, the reasoned notice of a denial, or the stop notice (Form 05), once
 * issued; a result (not a notice) only once the fee is paid. `stopNoticeOnly`: Form 05 asked
 * for by name, refused for a dossier whose document is not a stop notice.
 */
export async function resultForm(db: Db, d: FormDossierRow, opts: { stopNoticeOnly?: boolean } = {}): Promise<FormDocument> {
  const result = await findIssuedResult(db, d.id);
  if (!result || (opts.stopNoticeOnly && result.kind !== 'stop_notice')) {
    throw opts.stopNoticeOnly ? notYet('NoStopNotice', 'Hồ sơ không có thông báo dừng giải quyết.') : notYet('NoResult', 'Hồ sơ chưa có kết quả giải quyết.');
  }
  if (result.kind === 'result' && d.fee_status === 'unpaid') {
    throw new DomainError('conflict', 'Fee unpaid', 'Vui lòng nộp phí, lệ phí trước khi nhận kết quả.', { reason: 'FeeUnpaid' });
  }
  const blocks: Block[] = [
    field('Thủ tục', d.procedure_name, { bold: false }),
    paragraph(`Hồ sơ: ${d.code} — Người nộp: ${d.applicant_full_name}`),
  ];
  if (result.kind === 'result') blocks.push(paragraph(`${d.agency_name} cấp cho Ông/Bà `, bold(d.applicant_full_name), ` văn bản “${result.title}” theo kết quả giải quyết hồ sơ nêu trên.`));
  else blocks.push(field('Lý do', d.closing_reason ?? '', { bold: false }));
  if (result.kind === 'stop_notice') blocks.push(paragraph(`${d.agency_name} dừng giải quyết hồ sơ nêu trên và thông báo để Ông/Bà được biết./.`));
  blocks.push(paragraph(issuedAt(result.issued_at)));
  const signer = result.signer ?? 'Hệ thống thông tin giải quyết thủ tục hành chính (theo yêu cầu trực tuyến của người nộp)';
  return {
    form: result.kind === 'stop_notice' ? 'stop-notice' : 'result',
    formNumber: result.kind === 'stop_notice' ? 'Mẫu số 05' : null,
    agency: agencyHeader(d),
    number: result.number,
    placeAndDate: placeAndDate(d, result.issued_at),
    title: result.title.toLocaleUpperCase('vi'),
    subtitle: null,
    blocks,
    signatures: { right: { title: result.signer ? 'THỦ TRƯỞNG CƠ QUAN' : 'NGƯỜI KÝ', note: '(Đã ký số)', name: signer } },
    footnotes: [`Người ký: ${signer}.`, 'Bản điện tử có giá trị như bản giấy (Nghị định 45/2020/NĐ-CP, điều 14).'],
    fileName: safeName(result.number),
    subject: `${result.title} số ${result.number}`,
  };
}

// ---------------------------------------------------------------- Form 06

export async function processControlForm(db: Db, d: FormDossierRow): Promise<FormDocument> {
  if (!d.received_at) throw notYet('NotReceived', 'Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát quá trình giải quyết.');
  const rows = await dossierHandoffs(db, d.id);
  const when = (at: Date | null) => (at ? vnDocumentDateTime(at) : '');
  // Rows received by another agency (an inter-agency leg or consultation, issue 17) name it.
  const agencyNames = new Map<string, string>();
  for (const eid of new Set(rows.map((h) => h.agency_eid).filter((e): e is string => !!e))) {
    const a = await formAgencyByEid(db, eid);
    if (a && a.id !== d.agency_id) agencyNames.set(eid, a.name);
  }
  const atAgency = (eid: string | null) => (eid && agencyNames.has(eid) ? ` (${agencyNames.get(eid)})` : '');
  return {
    form: 'process-control',
    formNumber: 'Mẫu số 06',
    agency: agencyHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, d.received_at),
    title: 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
    subtitle: `Mã hồ sơ: ${d.code}`,
    blocks: [
      field('Cơ quan chủ trì giải quyết', d.agency_name, { bold: false }),
      field('Người nộp', d.applicant_full_name, { bold: false }),
      field('Thủ tục', d.procedure_name, { bold: false }),
      paragraph('Thời gian nhận hồ sơ: ', bold(vnDocumentDateTime(d.received_at))),
      paragraph('Thời gian hẹn trả kết quả: ', bold(d.appointment_at ? vnDocumentDateTime(d.appointment_at) : '—')),
      { kind: 'heading', text: 'Quá trình giao, nhận hồ sơ' },
      {
        kind: 'table',
        columns: [
          { title: 'TT', width: 5, align: 'center' },
          { title: 'Bước xử lý', width: 15 },
          { title: 'Bên giao, bên nhận', width: 24 },
          { title: 'Thời gian nhận', width: 17 },
          { title: 'Hạn xử lý', width: 17 },
          { title: 'Thời gian hoàn thành', width: 17 },
          { title: 'Kết quả', width: 10 },
        ],
        rows: rows.map((h, i) => [
          String(i + 1),
          h.step_name ?? STEP_LABELS[h.step] ?? h.step,
          `Giao: ${h.giver_name ?? h.giver_unit}\nNhận: ${h.receiver_name ?? h.receiver_unit}${atAgency(h.agency_eid)}`,
          when(h.received_at),
          when(h.due_at),
          when(h.done_at),
          h.outcome ? (OUTCOME[h.outcome] ?? h.outcome) : h.done_at ? '' : 'Đang xử lý',
        ]),
      },
      paragraph({ text: 'Phiếu được lập tự động từ nhật ký giao, nhận hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính; kết quả mỗi bước do bên nhận ghi nhận.', italic: true }),
    ],
    signatures: {},
    fileName: `phieu-kiem-soat-${safeName(d.code)}`,
  };
}

// ---------------------------------------------------------------- the e-receipt

export async function eReceiptForm(db: Db, d: FormDossierRow): Promise<FormDocument> {
  const p = await findPaidPayment(db, d.id);
  if (!p) throw notYet('NotPaid', 'Hồ sơ chưa có khoản phí, lệ phí đã nộp nên chưa có biên lai.');
  const amount = Number(p.amount_vnd);
  const fees = await feeNames(db, d.procedure_id, d.channel);
  const feeName = fees.map((f) => f.fee_name).join('; ') || 'Phí, lệ phí giải quyết thủ tục hành chính';
  const table: Block = {
    kind: 'table',
    columns: [
      { title: 'TT', width: 6, align: 'center' },
      { title: 'Tên loại phí, lệ phí', width: 54 },
      { title: 'Số tiền (đồng)', width: 20, align: 'right' },
    ],
    rows: [['1', feeName, vndInFigures(amount).replace(/ đồng$/, '')]],
  };
  return {
    form: 'e-receipt',
    formNumber: null,
    agency: agencyHeader(d),
    number: null,
    placeAndDate: placeAndDate(d, p.paid_at),
    title: 'BIÊN LAI THU PHÍ, LỆ PHÍ',
    subtitle: '(Biên lai điện tử)',
    blocks: [
      paragraph('Ký hiệu: ', bold(p.receipt_series), '    Số: ', bold(String(p.receipt_number).padStart(7, '0'))),
      field('Đơn vị thu', d.agency_name, { bold: false }),
      field('Địa chỉ', d.agency_address ?? '—', { bold: false }),
      paragraph('Tên người nộp: ', bold(d.applicant_full_name)),
      field('Số định danh cá nhân/CCCD', d.applicant_id_number, { bold: false }),
      field('Địa chỉ người nộp', d.applicant_address ?? '—', { bold: false }),
      field('Nộp cho hồ sơ', `${d.code} — ${d.procedure_name}`, { bold: false }),
      table,
      paragraph('Tổng số tiền: ', bold(vndInFigures(amount))),
      paragraph('Số tiền bằng chữ: ', bold(vndInWords(amount))),
      field('Hình thức thanh toán', `${PAYMENT_METHOD[p.method] ?? p.method}${p.bank_transaction_no ? ` (mã giao dịch ${p.bank_transaction_no})` : ''}`, { bold: false }),
      paragraph('Thời điểm nộp: ', vnDocumentDateTime(p.paid_at)),
      field('Căn cứ thu', d.procedure_legal_basis, { bold: false }),
    ],
    signatures: {
      left: { title: 'NGƯỜI NỘP TIỀN', note: '(Ký, ghi rõ họ tên)', name: d.applicant_full_name },
      right: { title: 'NGƯỜI THU TIỀN', note: '(Đã ký số)', name: p.collector_name ?? `${d.agency_name} (thu trực tuyến)` },
    },
    footnotes: [`Mã biên lai: ${p.receipt_code}. Biên lai điện tử lập theo Nghị định 123/2020/NĐ-CP, điều 32 (sửa đổi bởi Nghị định 70/2025/NĐ-CP).`],
    fileName: `bien-lai-${safeName(p.receipt_code)}`,
    subject: `Biên lai thu phí, lệ phí ${p.receipt_code}`,
  };
}

/** The form `form` of the dossier. */
export function buildForm(db: Db, d: FormDossierRow, form: FormId, ctx: FormContext): Promise<FormDocument> {
  switch (form) {
    case 'receipt':
      return receiptForm(db, d, ctx);
    case 'supplement-request':
      return supplementRequestForm(db, d);
    case 'refusal':
      return refusalForm(db, d);
    case 'apology':
      return apologyForm(db, d);
    case 'stop-notice':
      return resultForm(db, d, { stopNoticeOnly: true });
    case 'process-control':
      return processControlForm(db, d);
    case 'e-receipt':
      return eReceiptForm(db, d);
    case 'result':
      return resultForm(db, d);
  }
}

import type { Db } from '../db/connection';
import { loadAgencyCalendar } from '../db/repositories/calendars';
import { dossierDocumentIds, visitFacts } from '../db/repositories/verification';
import { CalendarCoverageError } from '../domain/calendar';
import { DomainError, type FieldError } from '../domain/errors';
import { visitEnd, visitStart, visitWindowText, type VisitWindow } from '../domain/site-visit';
import type { Actor } from '../domain/types';
import { isUuid } from '../domain/uuid';
import type { ScheduleVerificationCommand, VerificationExceptionKind } from '../workflows/contracts/dossier-v1';

/**
 * The checks of an on-site visit that need stored data (docs/domain.md §3.9), made before the
 * dossier's workflow hears of it (the workflow holds IDs only; its validators check the time
 * of the visit and who acts):
 * - a visit for a procedure whose catalogue has no on-site verification, or outside the
 *   agency's working hours (its calendar), is scheduled only by a leader with a reason;
 * - the minutes and photos attached to a visit are files already filed on the dossier.
 */

/**
 * What the planned visit needs beyond the assigned specialist's word: nothing (undefined), or
 * a leader's reason, returned as the exception the workflow records. Refused with a reason code:
 * `ProcedureWithoutSiteVerification` / `VisitOutsideWorkingHours` (422) without a reason,
 * `VerificationExceptionNotNeeded` (422) for a reason nothing calls for,
 * `VerificationExceptionLeaderOnly` (403) for a reason given by someone other than a leader,
 * `CalendarNotCovered` (422) for a day the agency's calendar has no data for.
 */
export async function visitException(
  db: Db,
  dossierId: number,
  actor: Actor,
  request: { visit: VisitWindow; exceptionReason?: string },
): Promise<ScheduleVerificationCommand['exception']> {
  const facts = await visitFacts(db, dossierId);
  if (!facts) throw new DomainError('not_found', 'Not found', 'Không tìm thấy hồ sơ với mã này.', { reason: 'DossierNotFound' });
  const { visit, exceptionReason } = request;
  const kinds: VerificationExceptionKind[] = [];
  const said: string[] = [];
  if (!facts.on_site_verification) {
    kinds.push('procedure_without_verification');
    said.push(`thủ tục ${facts.procedure_code} không quy định xác minh thực địa`);
  }
  if (!(await withinWorkingHours(db, facts.agency_eid, visit))) {
    kinds.push('outside_working_hours');
    said.push(`lịch xác minh ${visitWindowText(visit)} nằm ngoài giờ làm việc của cơ quan`);
  }
  if (exceptionReason === undefined) {
    if (!kinds.length) return undefined;
    throw new DomainError(
      'invalid',
      'Visit needs a leader’s reason',
      `Không thể lên lịch xác minh: ${said.join('; ')}. Việc xác minh này chỉ được thực hiện khi lãnh đạo cơ quan lên lịch và ghi rõ lý do (exceptionReason).`,
      { reason: kinds[0] === 'procedure_without_verification' ? 'ProcedureWithoutSiteVerification' : 'VisitOutsideWorkingHours', exceptions: kinds },
    );
  }
  if (!kinds.length) {
    throw new DomainError(
      'invalid',
      'No exception to justify',
      'Thủ tục có quy định xác minh thực địa và lịch xác minh nằm trong giờ làm việc của cơ quan: chuyên viên thụ lý lên lịch, không cần lý do của lãnh đạo (bỏ exceptionReason).',
      { reason: 'VerificationExceptionNotNeeded' },
    );
  }
  if (!actor.roles.includes('leader')) {
    throw new DomainError(
      'forbidden',
      'Forbidden',
      `Chỉ lãnh đạo cơ quan được lên lịch xác minh ngoài quy định và ghi lý do (${said.join('; ')}); chuyên viên thụ lý đề nghị lãnh đạo lên lịch.`,
      { reason: 'VerificationExceptionLeaderOnly', exceptions: kinds },
    );
  }
  return { reason: exceptionReason, kinds };
}

/** Whether the whole visit lies in the agency's office hours, on its working days (its calendar, latest version). */
async function withinWorkingHours(db: Db, agencyEid: string, visit: VisitWindow): Promise<boolean> {
  const calendar = await loadAgencyCalendar(db, agencyEid);
  const start = new Date(visitStart(visit));
  const end = new Date(visitEnd(visit));
  try {
    return calendar.workingTimeBetween(start, end) === end.getTime() - start.getTime();
  } catch (err) {
    if (!(err instanceof CalendarCoverageError)) throw err;
    throw new DomainError('invalid', 'Calendar has no data', `Lịch làm việc của cơ quan chưa có dữ liệu ngày nghỉ, ngày làm việc cho ngày ${visit.date}; chưa thể lên lịch xác minh vào ngày này.`, {
      reason: 'CalendarNotCovered',
    });
  }
}

/**
 * The files attached to a visit's record (biên bản, hình ảnh) must be filed on this dossier
 * (uploaded with POST /dossiers/{code}/documents, or supplied by the applicant). An unknown file
 * and another dossier's read alike, so IDs cannot be probed. 422 `VerificationAttachmentNotInDossier`.
 */
export async function checkVisitAttachments(db: Db, dossierId: number, attachments: ReadonlyArray<{ name: string; fileId: string }>): Promise<void> {
  const errors: FieldError[] = [];
  const first = new Map<string, number>();
  attachments.forEach((a, i) => {
    const id = a.fileId.toLowerCase();
    const earlier = first.get(id);
    if (earlier !== undefined) errors.push({ field: `attachments[${i}].fileId`, message: `tệp này đã được kê ở attachments[${earlier}]` });
    else first.set(id, i);
  });
  const ids = [...first.keys()].filter(isUuid);
  const filed = await dossierDocumentIds(db, dossierId, ids);
  for (const [id, i] of first) {
    if (!filed.has(id)) {
      errors.push({ field: `attachments[${i}].fileId`, message: 'hồ sơ không có tệp với mã này: tải biên bản, hình ảnh lên hồ sơ trước (POST /api/v1/dossiers/{code}/documents) rồi dùng mã tệp được trả về' });
    }
  }
  if (!errors.length) return;
  errors.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }));
  throw new DomainError('invalid', 'Invalid request', 'Tệp đính kèm biên bản xác minh phải là tệp đã tải lên hồ sơ này; vui lòng kiểm tra các tệp được liệt kê.', {
    reason: 'VerificationAttachmentNotInDossier',
    errors,
  });
}

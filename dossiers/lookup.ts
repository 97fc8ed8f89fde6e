import type { Db } from '../db/connection';
import { dossiersOfApplicant, statusLookup } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';
import { maskPersonName } from '../domain/masking';
import { isDossierStatus, statusLabel } from '../domain/status';
import { vnTime } from '../domain/vn-time';

const NOT_FOUND = () =>
  new DomainError('not_found', 'Dossier not found', 'Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối giấy tờ tùy thân đã nhập. Vui lòng kiểm tra lại trên giấy tiếp nhận.');

/**
 * Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names,
 * personal data masked. Found with the signed-in applicant's own ID number (`owner`), or else
 * the last 4 digits of the applicant's ID number (`check`): an unknown code and a wrong check
 * get the same answer from the same work (db/repositories/dossiers.ts `statusLookup`).
 */
export async function publicStatus(db: Db, code: string, owner: string | null, check: string) {
  const d = await statusLookup(db, code, owner, owner ? null : check);
  if (!d) throw NOT_FOUND();
  const { shipment, history } = d;
  const status = (s: string) => ({ code: s, label: isDossierStatus(s) ? statusLabel(s) : s });
  return {
    code: d.code,
    procedure: { code: d.procedure_code, nationalCode: d.national_code, name: d.procedure_name },
    agency: { eid: d.agency_eid, name: d.agency_name },
    applicant: { fullName: maskPersonName(d.applicant_full_name) },
    channel: d.channel,
    submittedAt: vnTime(d.submitted_at),
    receivedAt: vnTime(d.received_at),
    appointmentAt: vnTime(d.appointment_at),
    status: status(d.status),
    // What the citizen must do now, e.g. the documents to supplement and by when.
    pending: publicPending(d.pending_action),
    closingReason: d.closing_reason,
    // Tracking number of the result sent by post, to follow it on the post's own site.
    shipment: shipment?.tracking_number ? { trackingNumber: shipment.tracking_number, status: shipment.status } : null,
    fee: d.fee_status && d.fee_status !== 'none' ? { amountVnd: Number(d.fee_due_vnd), status: d.fee_status } : null,
    history: history
      .map((h) => ({ at: vnTime(h.occurred_at), status: status(h.to_status) })),
  };
}

/** Tra cứu theo số CCCD: the dossiers of this ID number, newest first, names masked. */
export async function applicantDossiers(db: Db, idNumber: string) {
  const rows = await dossiersOfApplicant(db, idNumber);
  return {
    dossiers: rows.map((d) => ({
      code: d.code,
      procedure: { code: d.procedure_code, name: d.procedure_name },
      agency: { eid: d.agency_eid, name: d.agency_name },
      applicant: { fullName: maskPersonName(d.applicant_full_name) },
      submittedAt: vnTime(d.submitted_at),
      receivedAt: vnTime(d.received_at),
      appointmentAt: vnTime(d.appointment_at),
      status: { code: d.status, label: isDossierStatus(d.status) ? statusLabel(d.status) : d.status },
    })),
  };
}

/** The citizen's next step, as the lookup shows it: documents to supplement by a deadline, or a site visit. */
function publicPending(p: Record<string, any> | null): Record<string, unknown> | null {
  if (!p) return null;
  if (p.kind === 'supplement') return { kind: 'supplement', items: p.items, reason: p.reason ?? null, deadline: vnTime(p.deadline) };
  if (p.kind === 'site_visit') {
    const v = p.visit;
    return { kind: 'site_visit', visit: { date: v.date, from: v.from, to: v.to, place: v.place } };
  }
  return null;
}

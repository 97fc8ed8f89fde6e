import type { Db } from '../db/connection';
import { dossiersOfApplicant, statusLookup, type StatusLookupRow } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';
import { maskPersonName } from '../domain/masking';
import { isDossierStatus, statusLabel } from '../domain/status';
import { vnTime } from '../domain/vn-time';
import { applicantActionsByStatus } from './actions';
import { chainRefsOfDossiers, chainView } from './chains';

/** An unknown code and a wrong check: the same answer. */
export const lookupNotFound = () =>
  new DomainError('not_found', 'Dossier not found', 'Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối giấy tờ tùy thân đã nhập. Vui lòng kiểm tra lại trên giấy tiếp nhận.');

/**
 * Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names,
 * personal data masked. Found with the last 4 digits of the applicant's ID number (`check`):
 * an unknown code and a wrong check do the same work (db/repositories/dossiers.ts
 * `statusLookup`) and come back as null alike, for the caller to count the failure and answer
 * `lookupNotFound`. What officers typed (supplement items and reasons, the place of a visit,
 * the reasons a dossier ended) can hold an ID number, a phone or an address: it is shown to
 * the signed-in applicant only (`ownerStatus`), never to whoever holds a code and 4 digits.
 */
export async function checkedStatus(db: Db, code: string, check: string) {
  const d = await statusLookup(db, code, null, check);
  return d ? withChain(db, statusView(d, false)) : null;
}

/** The lookup of the signed-in applicant (their own ID number proves it): everything the public one shows, and what officers wrote to them. */
export async function ownerStatus(db: Db, code: string, idNumber: string) {
  const d = await statusLookup(db, code, idNumber, null);
  if (!d) throw lookupNotFound();
  return withChain(db, statusView(d, true));
}

/** A stage of an inter-agency chain (liên thông): the lookup shows the whole chain, found by any stage's code. */
async function withChain<T extends { code: string }>(db: Db, view: T): Promise<T & { chain?: Awaited<ReturnType<typeof chainView>> & object }> {
  const chain = await chainView(db, view.code);
  return chain ? { ...view, chain } : view;
}

function statusView(d: StatusLookupRow, owner: boolean) {
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
    // What the signed-in applicant may do now (submitSupplement, withdraw), by the workflow's rules.
    ...(owner ? { allowedActions: applicantActionsByStatus(d.code, d.status) } : {}),
    // What the citizen must do now, e.g. the documents to supplement and by when.
    pending: pendingView(d.pending_action, owner),
    closingReason: owner ? d.closing_reason : null,
    // Tracking number of the result sent by post, to follow it on the post's own site.
    shipment: shipment?.tracking_number ? { trackingNumber: shipment.tracking_number, status: shipment.status } : null,
    fee: d.fee_status && d.fee_status !== 'none' ? { amountVnd: Number(d.fee_due_vnd), status: d.fee_status } : null,
    // The e-receipt (biên lai điện tử) of each payment: series and number, as printed on it.
    receipts: (d.receipts ?? []).map((r) => ({
      series: r.series,
      number: r.number,
      code: r.code,
      amountVnd: Number(r.amount_vnd),
      method: r.method,
      paidAt: vnTime(r.paid_at),
    })),
    // Hẹn lại: the appointment changed once with an apology (Form 04). The statistics keep the
    // legal due date; the citizen reads when, the original and the new appointment, and (signed
    // in as the applicant) the reason the leader wrote, as officers' words are kept from the public.
    reappointment: d.reappointment
      ? {
          at: vnTime(d.reappointment.at),
          originalAppointmentAt: vnTime(d.reappointment.previous_appointment_at),
          appointmentAt: vnTime(d.reappointment.appointment_at),
          reason: owner ? d.reappointment.reason : null,
        }
      : null,
    history: history.map((h) => ({ at: vnTime(h.occurred_at), status: status(h.to_status) })),
  };
}

/** Tra cứu theo số CCCD: the dossiers of this ID number, newest first, names masked. */
export async function applicantDossiers(db: Db, idNumber: string) {
  const rows = await dossiersOfApplicant(db, idNumber);
  const chains = await chainRefsOfDossiers(db, rows.map((d) => d.code));
  return {
    dossiers: rows.map((d) => ({
      code: d.code,
      procedure: { code: d.procedure_code, name: d.procedure_name },
      agency: { eid: d.agency_eid, name: d.agency_name },
      applicant: { fullName: maskPersonName(d.applicant_full_name) },
      submittedAt: vnTime(d.submitted_at),
      receivedAt: vnTime(d.received_at),
      appointmentAt: vnTime(d.appointment_at),
      // Hẹn lại: the appointment shown is the new one; the original is the legal due date.
      reappointed: d.apology_issued_at ? { at: vnTime(d.apology_issued_at), originalAppointmentAt: vnTime(d.due_at) } : null,
      status: { code: d.status, label: isDossierStatus(d.status) ? statusLabel(d.status) : d.status },
      allowedActions: applicantActionsByStatus(d.code, d.status),
      // A stage of an inter-agency chain: the chain's lookup code shows every stage.
      ...(chains.has(d.code) ? { chain: chains.get(d.code)! } : {}),
    })),
  };
}

/**
 * The citizen's next step: documents to supplement by a deadline, or a site visit. The public
 * answer says what kind of step, how many documents and when; the items, the reason and the
 * place, as officers typed them, are for the signed-in applicant.
 */
function pendingView(p: Record<string, any> | null, owner: boolean): Record<string, unknown> | null {
  if (!p) return null;
  if (p.kind === 'supplement') {
    const items: unknown[] = Array.isArray(p.items) ? p.items : [];
    const when = { itemCount: items.length, deadline: vnTime(p.deadline) };
    return owner ? { kind: 'supplement', items, reason: p.reason ?? null, ...when } : { kind: 'supplement', ...when };
  }
  if (p.kind === 'site_visit') {
    const v = p.visit;
    return { kind: 'site_visit', visit: { date: v.date, from: v.from, to: v.to, ...(owner ? { place: v.place } : {}) } };
  }
  return null;
}

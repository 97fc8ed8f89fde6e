import { Router } from 'express';
import type { Knex } from 'knex';
import { parseDossierCode } from '../domain/dossier-code';
import { maskPersonName } from '../domain/masking';
import { isDossierStatus, statusLabel } from '../domain/status';
import { HttpProblem } from './problem';
import { vnTime } from './format';

/** Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names, personal data masked. */
export function statusRoutes(db: Knex): Router {
  const router = Router();
  router.get('/status/:code', async (req, res) => {
    const code = String(req.params.code).trim();
    if (!parseDossierCode(code)) {
      throw new HttpProblem(400, 'Bad dossier code', `Mã hồ sơ "${code}" không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự>, ví dụ 000.20.20.H29-260310-0001.`);
    }
    // One snapshot: the row and its history must agree even while an event is being written.
    const snapshot = await db.transaction(async (trx) => {
      const d = await trx('dossiers as d')
        .join('procedures as p', 'p.id', 'd.procedure_id')
        .join('agencies as a', 'a.id', 'd.agency_id')
        .where('d.code', code)
        .first(
          'd.id',
          'd.code',
          'd.status',
          'd.channel',
          'd.applicant_full_name',
          'd.submitted_at',
          'd.received_at',
          'd.appointment_at',
          'd.pending_action',
          'd.closing_reason',
          'd.fee_due_vnd',
          'd.fee_status',
          'p.code as procedure_code',
          'p.national_code',
          'p.name as procedure_name',
          'a.eid as agency_eid',
          'a.name as agency_name',
        );
      if (!d) return null;
      const shipment = await trx('dossier_shipments').where('dossier_id', d.id).first('tracking_number', 'status');
      const history = await trx('dossier_events')
        .where({ dossier_id: d.id, is_public: true })
        .whereNotNull('to_status')
        // Steps only: events that keep the status (a payment, a reassignment) are not steps.
        .whereRaw('from_status is distinct from to_status')
        .orderBy('seq')
        .select('to_status', 'occurred_at');
      return { d, shipment, history };
    }, { isolationLevel: 'repeatable read', readOnly: true });
    if (!snapshot) throw new HttpProblem(404, 'Dossier not found', `Không tìm thấy hồ sơ có mã ${code}. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.`);
    const { d, shipment, history } = snapshot;
    const status = (s: string) => ({ code: s, label: isDossierStatus(s) ? statusLabel(s) : s });
    res.set('Cache-Control', 'no-store').json({
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
    });
  });
  return router;
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

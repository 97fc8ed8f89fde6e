import { Router } from 'express';
import type { Knex } from 'knex';
import { preparedQuery } from '../db/connection';
import { parseDossierCode } from '../domain/dossier-code';
import { maskPersonName } from '../domain/masking';
import { isDossierStatus, statusLabel } from '../domain/status';
import { principalOf, requireCitizen } from './auth';
import { HttpProblem } from './problem';
import { vnTime } from '../domain/vn-time';

const NOT_FOUND = () =>
  new HttpProblem(404, 'Dossier not found', 'Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối giấy tờ tùy thân đã nhập. Vui lòng kiểm tra lại trên giấy tiếp nhận.');

/**
 * The whole lookup in one statement: a single statement reads one snapshot, so the row, its
 * shipment and its history agree even while an event is being written, and it costs one round
 * trip. The caller's proof is checked in SQL on the row the unique index found, so an unknown
 * code and a wrong check do the same work (one index probe) and get the same empty answer.
 * Parameters: code, the signed-in owner's ID number (or null), the 4 check digits. Prepared once
 * per connection (db/connection.ts `preparedQuery`): the public lookup is the hottest read there is.
 */
const LOOKUP_SQL = `
  select d.code, d.status, d.channel, d.applicant_full_name, d.submitted_at, d.received_at, d.appointment_at,
         d.pending_action, d.closing_reason, d.fee_due_vnd, d.fee_status,
         p.code as procedure_code, p.national_code, p.name as procedure_name, a.eid as agency_eid, a.name as agency_name,
         (select json_build_object('tracking_number', s.tracking_number, 'status', s.status)
            from dossier_shipments s where s.dossier_id = d.id) as shipment,
         -- Steps only: events that keep the status (a payment, a reassignment) are not steps.
         coalesce((select json_agg(json_build_object('to_status', e.to_status, 'occurred_at', e.occurred_at) order by e.seq)
                     from dossier_events e
                    where e.dossier_id = d.id and e.is_public and e.to_status is not null
                      and e.from_status is distinct from e.to_status), '[]'::json) as history
    from dossiers d
    join procedures p on p.id = d.procedure_id
    join agencies a on a.id = d.agency_id
   where d.code = $1
     and case when $2::text is not null then d.applicant_id_number = $2::text
              else right(d.applicant_id_number, 4) = $3::text end`;

/**
 * Public status lookup (tra cứu tình trạng hồ sơ): the fields the HCMC portal guide names,
 * personal data masked. Dossier codes are sequential by law, so the code alone would let
 * anyone walk through every dossier: the lookup also asks for the last 4 digits of the
 * applicant's ID number (`check`), and an unknown code and a wrong check get the same
 * answer from the same work. A signed-in applicant needs no check for their own dossiers,
 * and lists them all at GET /citizen/dossiers (the lookup by ID number).
 */
export function statusRoutes(db: Knex): Router {
  const router = Router();
  router.get('/status/:code', async (req, res) => {
    const code = String(req.params.code).trim();
    if (!parseDossierCode(code)) {
      throw new HttpProblem(400, 'Bad dossier code', `Mã hồ sơ "${code}" không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự>, ví dụ 000.20.20.H29-260310-0001.`);
    }
    const principal = principalOf(req);
    const owner = principal?.kind === 'citizen' ? principal.idNumber : null;
    const check = typeof req.query.check === 'string' ? req.query.check.trim() : '';
    if (!owner && !/^\d{4}$/.test(check)) {
      throw new HttpProblem(400, 'Check digits required', 'Vui lòng nhập 4 số cuối số CCCD/CMND của người nộp hồ sơ (tham số check) cùng mã hồ sơ.');
    }
    const [d] = await preparedQuery<Record<string, any>>(db, 'public-status-lookup-v1', LOOKUP_SQL, [code, owner, owner ? null : check]);
    if (!d) throw NOT_FOUND();
    const shipment = d.shipment as { tracking_number: string | null; status: string } | null;
    const history = d.history as Array<{ to_status: string; occurred_at: string }>;
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
  /** Tra cứu theo số CCCD: the signed-in citizen's own dossiers, and nobody else's. */
  router.get('/citizen/dossiers', async (req, res) => {
    const citizen = requireCitizen(req);
    const rows = await db('dossiers as d')
      .join('procedures as p', 'p.id', 'd.procedure_id')
      .join('agencies as a', 'a.id', 'd.agency_id')
      .where('d.applicant_id_number', citizen.idNumber)
      .orderBy('d.submitted_at', 'desc')
      .limit(200)
      .select('d.code', 'd.status', 'd.submitted_at', 'd.received_at', 'd.appointment_at', 'p.code as procedure_code', 'p.name as procedure_name', 'a.eid as agency_eid', 'a.name as agency_name', 'd.applicant_full_name');
    res.set('Cache-Control', 'no-store').json({
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

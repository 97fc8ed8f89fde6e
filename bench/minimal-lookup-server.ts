import express from 'express';
import pg from 'pg';

/**
 * A second reference for scenario (a), not a baseline of the issue: the least a PostgreSQL-backed
 * status lookup can do — an Express 5 route, one pg pool of the API's size (10), and ONE
 * statement that checks the 4 digits and returns the dossier with its shipment and public history
 * (one statement sees one snapshot, so no transaction is needed). No middleware, no logging.
 * What separates it from the real lookup is ours; what separates it from hello world is the database.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const LOOKUP = `
  select d.code, d.status, d.channel, d.applicant_full_name, d.submitted_at, d.received_at, d.appointment_at,
         d.pending_action, d.closing_reason, d.fee_due_vnd, d.fee_status,
         p.code as procedure_code, p.national_code, p.name as procedure_name, a.eid as agency_eid, a.name as agency_name,
         (select json_build_object('trackingNumber', s.tracking_number, 'status', s.status)
            from dossier_shipments s where s.dossier_id = d.id) as shipment,
         coalesce((select json_agg(json_build_object('status', e.to_status, 'at', e.occurred_at) order by e.seq)
                     from dossier_events e
                    where e.dossier_id = d.id and e.is_public and e.to_status is not null
                      and e.from_status is distinct from e.to_status), '[]'::json) as history
    from dossiers d
    join procedures p on p.id = d.procedure_id
    join agencies a on a.id = d.agency_id
   where d.code = $1 and right(d.applicant_id_number, 4) = $2`;

const app = express();
app.disable('x-powered-by');
app.get('/api/v1/status/:code', async (req, res) => {
  const check = typeof req.query.check === 'string' ? req.query.check : '';
  const { rows } = await pool.query({ name: 'lookup', text: LOOKUP, values: [req.params.code, check] });
  const d = rows[0];
  if (!d) {
    res.status(404).json({ title: 'Dossier not found' });
    return;
  }
  res.set('Cache-Control', 'no-store').json({
    code: d.code,
    procedure: { code: d.procedure_code, nationalCode: d.national_code, name: d.procedure_name },
    agency: { eid: d.agency_eid, name: d.agency_name },
    applicant: { fullName: String(d.applicant_full_name).replace(/(?<=\S)\S/g, '*') },
    channel: d.channel,
    submittedAt: d.submitted_at,
    receivedAt: d.received_at,
    appointmentAt: d.appointment_at,
    status: { code: d.status },
    pending: d.pending_action,
    closingReason: d.closing_reason,
    shipment: d.shipment,
    fee: d.fee_status && d.fee_status !== 'none' ? { amountVnd: Number(d.fee_due_vnd), status: d.fee_status } : null,
    history: d.history,
  });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`minimal-lookup: listening on ${typeof address === 'object' && address ? address.port : ''} (pid ${process.pid})\n`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

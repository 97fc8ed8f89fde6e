import { Router } from 'express';
import type { Knex } from 'knex';
import { HttpProblem } from './problem';

/** Public procedure catalogue: what can be filed, where, how long it takes and what it costs. */
export function catalogueRoutes(db: Knex): Router {
  const router = Router();

  async function describe(p: Record<string, any>) {
    const [fees, documents, agencies] = await Promise.all([
      db('procedure_fees').where('procedure_id', p.id).orderBy(['channel', 'fee_name']).select('channel', 'fee_name', 'amount_vnd', 'note'),
      db('procedure_documents').where('procedure_id', p.id).orderBy('position').select('name', 'required', 'copies'),
      db('procedure_agencies as pa').join('agencies as a', 'a.id', 'pa.agency_id').where('pa.procedure_id', p.id).select('a.eid', 'a.name'),
    ]);
    return {
      code: p.code,
      nationalCode: p.national_code,
      name: p.name,
      field: p.field,
      legalBasis: p.legal_basis,
      timeLimit: p.time_limit,
      onlineLevel: p.online_level,
      onSiteVerification: p.on_site_verification,
      feeTiming: p.fee_timing,
      clockPolicy: p.clock_policy,
      result: p.result_name,
      notes: p.notes,
      fees: fees.map((f) => ({ channel: f.channel, name: f.fee_name, amountVnd: f.amount_vnd, note: f.note })),
      documents,
      agencies,
    };
  }

  router.get('/procedures', async (_req, res) => {
    const rows = await db('procedures').where('active', true).orderBy('code');
    res.json({ items: await Promise.all(rows.map(describe)) });
  });

  router.get('/procedures/:code', async (req, res) => {
    const p = await db('procedures').where({ code: req.params.code, active: true }).first();
    if (!p) throw new HttpProblem(404, 'Procedure not found', `Không có thủ tục mã "${req.params.code}" trong danh mục.`);
    res.json(await describe(p));
  });

  return router;
}

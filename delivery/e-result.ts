import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Knex } from 'knex';
import { HttpProblem } from '../api/problem';
import { citizenIdOf, requireApplicant } from '../api/identity';
import { vnTime } from '../domain/vn-time';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The electronic result (kết quả điện tử, ND 45/2020 art. 14), the reasoned notice of a
 * denial, or the stop notice of a withdrawn or stopped dossier, downloadable by the applicant only, once the decision is issued and the fee
 * paid. The SHA-256 digest lets anyone check the copy against the one on record; a
 * PKI digital signature of the agency is the integration still to come.
 */
export function eResultRoutes(db: Knex): Router {
  const router = Router();
  router.post('/citizen/dossiers/:code/result', async (req, res) => {
    const idNumber = citizenIdOf(req);
    const d = await db('dossiers as d')
      .join('procedures as p', 'p.id', 'd.procedure_id')
      .join('agencies as a', 'a.id', 'd.agency_id')
      .where('d.code', String(req.params.code))
      .first('d.id', 'd.code', 'd.applicant_full_name', 'd.applicant_id_number', 'd.fee_status', 'd.closing_reason', 'p.name as procedure_name', 'a.name as agency_name');
    requireApplicant(d, idNumber);
    const result = await db('dossier_results as r').leftJoin('users as u', 'u.id', 'r.signer_id').where('r.dossier_id', d.id).first('r.number', 'r.kind', 'r.title', 'r.issued_at', 'u.full_name as signer');
    if (!result) throw new HttpProblem(409, 'No result yet', 'Hồ sơ chưa có kết quả giải quyết.');
    if (result.kind === 'result' && d.fee_status === 'unpaid') {
      throw new HttpProblem(409, 'Fee unpaid', 'Vui lòng nộp phí, lệ phí trước khi nhận kết quả.');
    }
    const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(result.title)} số ${esc(result.number)}</title></head>
<body><header><p>${esc(d.agency_name)}</p><p>Số: ${esc(result.number)}</p></header>
<h1>${esc(result.title)}</h1>
<p>Thủ tục: ${esc(d.procedure_name)}</p>
<p>Hồ sơ: ${esc(d.code)} — Người nộp: ${esc(d.applicant_full_name)}</p>
${result.kind !== 'result' ? `<p>Lý do: ${esc(d.closing_reason ?? '')}</p>` : ''}
<footer><p>Ngày ban hành: ${esc(vnTime(result.issued_at) ?? '')}</p><p>Người ký: ${esc(result.signer ?? 'Hệ thống thông tin giải quyết thủ tục hành chính (theo yêu cầu trực tuyến của người nộp)')}</p><p>Bản điện tử có giá trị như bản giấy (Nghị định 45/2020/NĐ-CP, điều 14).</p></footer>
</body></html>`;
    const digest = createHash('sha256').update(html).digest('base64');
    res
      .status(200)
      .type('html')
      .set('Content-Disposition', `attachment; filename="${result.number.replace(/[^A-Za-z0-9.-]+/g, '_')}.html"`)
      .set('Repr-Digest', `sha-256=:${digest}:`)
      .set('Cache-Control', 'no-store')
      .send(html);
  });
  return router;
}

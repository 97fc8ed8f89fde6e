import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { findResultDossierByCode, type ResultDossierRow } from '../db/repositories/dossiers';
import { findIssuedResult } from '../db/repositories/results';
import { DomainError } from '../domain/errors';
import { vnDocumentDate, vnDocumentTime } from '../domain/vn-time';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The electronic result (kết quả điện tử, ND 45/2020 art. 14), the reasoned notice of a
 * denial, or the stop notice of a withdrawn or stopped dossier, downloadable by the applicant only, once the decision is issued and the fee
 * paid. The SHA-256 digest lets anyone check the copy against the one on record; a
 * PKI digital signature of the agency is the integration still to come.
 */

export type { ResultDossierRow };

/** The dossier whose result is asked for (undefined for an unknown code); the caller checks it is the applicant's. */
export function resultDossier(db: Db, code: string): Promise<ResultDossierRow | undefined> {
  return findResultDossierByCode(db, code);
}

export interface EResult {
  /** The HTML document. */
  html: string;
  /** Its SHA-256 digest, base64. */
  digest: string;
  /** The name to save it under: the result's number. */
  fileName: string;
}

/** "Ban hành ngày 03 tháng 12 năm 2026, lúc 08 giờ 47 phút": the issue date as the document says it. */
function issuedAt(at: Date | string): string {
  return `Ban hành ${vnDocumentDate(at)}, lúc ${vnDocumentTime(at)}`;
}

/** The electronic result of the applicant's dossier, refused before it is issued or, for a result, while the fee is unpaid. */
export async function eResult(db: Db, d: ResultDossierRow): Promise<EResult> {
  const result = await findIssuedResult(db, d.id);
  if (!result) throw new DomainError('conflict', 'No result yet', 'Hồ sơ chưa có kết quả giải quyết.');
  if (result.kind === 'result' && d.fee_status === 'unpaid') {
    throw new DomainError('conflict', 'Fee unpaid', 'Vui lòng nộp phí, lệ phí trước khi nhận kết quả.');
  }
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(result.title)} số ${esc(result.number)}</title></head>
<body><header><p>${esc(d.agency_name)}</p><p>Số: ${esc(result.number)}</p></header>
<h1>${esc(result.title)}</h1>
<p>Thủ tục: ${esc(d.procedure_name)}</p>
<p>Hồ sơ: ${esc(d.code)} — Người nộp: ${esc(d.applicant_full_name)}</p>
${result.kind !== 'result' ? `<p>Lý do: ${esc(d.closing_reason ?? '')}</p>` : ''}
<footer><p>${esc(issuedAt(result.issued_at))}</p><p>Người ký: ${esc(result.signer ?? 'Hệ thống thông tin giải quyết thủ tục hành chính (theo yêu cầu trực tuyến của người nộp)')}</p><p>Bản điện tử có giá trị như bản giấy (Nghị định 45/2020/NĐ-CP, điều 14).</p></footer>
</body></html>`;
  const digest = createHash('sha256').update(html).digest('base64');
  return { html, digest, fileName: `${result.number.replace(/[^A-Za-z0-9.-]+/g, '_')}.html` };
}

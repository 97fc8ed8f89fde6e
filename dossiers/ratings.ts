import type { Db } from '../db/connection';
import { findDossierByCode } from '../db/repositories/dossiers';
import { findRating, insertRating, type RatingRow } from '../db/repositories/ratings';
import { parseDossierCode } from '../domain/dossier-code';
import { DomainError } from '../domain/errors';
import { requireApplicant } from '../domain/principal';
import { RATABLE_STATUSES, SATISFACTION_LABELS, type SatisfactionLevel } from '../domain/rating';
import { isDossierStatus, statusLabel } from '../domain/status';
import { vnTime } from '../domain/vn-time';

/**
 * Đánh giá mức độ hài lòng (issue 16 item 11): the applicant rates their dossier once, after
 * completion (domain/rating.ts). No workflow is involved: the dossier may be closed; the
 * rating is a row of its own, with the agency and the officer who handled the dossier.
 */

function ratingView(code: string, r: RatingRow) {
  const level = r.level as SatisfactionLevel;
  return { code, level, label: SATISFACTION_LABELS[level] ?? r.level, comment: r.comment, ratedAt: vnTime(r.rated_at) };
}

/**
 * The applicant's own dossier named by the code: anyone else (and an unknown code) gets the same
 * 404, before anything they sent is looked at.
 */
export async function ownDossierToRate(db: Db, code: string, idNumber: string) {
  const d = parseDossierCode(code) ? await findDossierByCode(db, code, ['id', 'code', 'agency_id', 'status', 'applicant_id_number', 'assignee_id']) : undefined;
  requireApplicant(d, idNumber);
  return d!;
}

export async function rateDossier(db: Db, dossier: Awaited<ReturnType<typeof ownDossierToRate>>, input: { level: SatisfactionLevel; comment?: string | null }) {
  if (!(RATABLE_STATUSES as readonly string[]).includes(dossier.status)) {
    const label = isDossierStatus(dossier.status) ? statusLabel(dossier.status) : dossier.status;
    throw new DomainError(
      'conflict',
      'Not yet completed',
      `Hồ sơ ${dossier.code} đang ở trạng thái "${label}": Ông/Bà đánh giá mức độ hài lòng sau khi hồ sơ được giải quyết xong và đã nhận kết quả.`,
      { reason: 'RatingBeforeCompletion', status: dossier.status },
    );
  }
  const comment = input.comment?.trim() || null;
  const row = await insertRating(db, { dossier_id: dossier.id, agency_id: dossier.agency_id, officer_id: dossier.assignee_id, level: input.level, comment });
  if (!row) {
    const earlier = await findRating(db, dossier.id);
    throw new DomainError('conflict', 'Already rated', `Ông/Bà đã đánh giá mức độ hài lòng đối với hồ sơ ${dossier.code}; mỗi hồ sơ được đánh giá một lần.`, {
      reason: 'AlreadyRated',
      rating: earlier ? ratingView(dossier.code, earlier) : null,
    });
  }
  return ratingView(dossier.code, row);
}

import type { DossierStatus } from './status';

/**
 * Đánh giá mức độ hài lòng: the applicant rates the handling of their dossier once it is done,
 * on the three levels the national portal and the provincial one-stop software collect
 * ("Rất hài lòng / Hài lòng / Không hài lòng", docs/domain.md §8). A "Không hài lòng" is the
 * "dislike" that lowers QĐ 766 indicator 5.4 (docs/domain.md §9).
 */
export const SATISFACTION_LEVELS = ['very_satisfied', 'satisfied', 'not_satisfied'] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];

export const SATISFACTION_LABELS: Record<SatisfactionLevel, string> = {
  very_satisfied: 'Rất hài lòng',
  satisfied: 'Hài lòng',
  not_satisfied: 'Không hài lòng',
};

/**
 * Done, with an outcome the applicant received: the result handed over (or the dossier closed
 * after it), or the reasoned notice that it does not qualify. Not a refusal at intake, a
 * dossier closed for want of a supplement, a withdrawal or a stop: nothing was handled to rate.
 */
export const RATABLE_STATUSES: readonly DossierStatus[] = ['RESULT_DELIVERED', 'COMPLETED', 'DENIED'];

/** Longest comment kept. */
export const RATING_COMMENT_MAX = 2000;

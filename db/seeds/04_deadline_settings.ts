import type { Knex } from 'knex';

/**
 * Step budgets (working hours) of the internal process per procedure, and when to warn
 * and escalate. Steps follow the provincial internal procedures cited in docs/domain.md §3.8,
 * §3.9 and §10 (e.g. Hanoi QĐ 663: 2 h receive, 3 h appraise, 2 h sign, 1 h issue for a
 * same-day copy; ND 297/2025 for the karaoke licence: 3 wd team, 4 wd appraisal, 3 wd issue;
 * provincial land procedures: about 1.5 wd for appraisal and site inspection).
 * The intake budget counts from submission (ND 297/2025: answer an online filing within
 * 8 working hours). Only procedures without budgets are filled: an agency's edits stay.
 */
const SAME_DAY = { intake: 2, assignment: 0.5, review: 3, decision: 2, result: 1 };
export const STEP_BUDGETS: Record<string, { budgets: Record<string, number>; warnBeforeHours: number; escalateEveryHours: number }> = {
  'CA-THUONGTRU': { budgets: { intake: 8, assignment: 4, review: 28, verification: 8, decision: 8, result: 8 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'CA-TAMTRU': { budgets: { intake: 8, assignment: 2, review: 10, verification: 4, decision: 4, result: 4 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'TP-TRICHLUC': { budgets: SAME_DAY, warnBeforeHours: 2, escalateEveryHours: 4 },
  'TP-SAOSOGOC': { budgets: SAME_DAY, warnBeforeHours: 2, escalateEveryHours: 4 },
  'TP-CHUNGTHUC': { budgets: SAME_DAY, warnBeforeHours: 2, escalateEveryHours: 4 },
  'KT-HKD': { budgets: { intake: 8, assignment: 2, review: 14, decision: 4, result: 4 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'CA-ANTT': { budgets: { intake: 8, assignment: 2, review: 10, verification: 4, decision: 4, result: 4 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'VH-KARAOKE': { budgets: { intake: 8, assignment: 4, review: 20, verification: 32, decision: 16, result: 8 }, warnBeforeHours: 16, escalateEveryHours: 8 },
  'TP-LLTP': { budgets: { intake: 8, assignment: 4, review: 24, verification: 16, decision: 8, result: 8 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'XD-GPXD': { budgets: { intake: 4, assignment: 4, review: 72, verification: 24, decision: 16, result: 4 }, warnBeforeHours: 8, escalateEveryHours: 8 },
  'DD-DANGKYLANDAU': { budgets: { intake: 8, assignment: 8, review: 92, verification: 12, decision: 24, result: 24 }, warnBeforeHours: 16, escalateEveryHours: 8 },
  'TG-DOITRUSO': { budgets: { intake: 4, assignment: 16, review: 160, decision: 48, result: 16 }, warnBeforeHours: 16, escalateEveryHours: 8 },
};

export async function seed(db: Knex): Promise<void> {
  for (const [code, s] of Object.entries(STEP_BUDGETS)) {
    await db('procedures')
      .where({ code })
      .whereNull('step_budgets')
      .update({ step_budgets: JSON.stringify(s.budgets), warn_before_hours: s.warnBeforeHours, escalate_every_hours: s.escalateEveryHours });
  }
}

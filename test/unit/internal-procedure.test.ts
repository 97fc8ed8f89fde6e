import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimeLimit } from '../../domain/calendar';
import {
  budgetHours,
  defaultSteps,
  sharedBudgetHours,
  validateInternalProcedure,
  WORKING_DAY_HOURS,
  type InternalProcedureDocument,
  type ProcedureStep,
} from '../../domain/internal-procedure';
import { SEED_AGENCIES } from '../../db/seeds/02_agencies_and_officers';
import { SEED_PROCEDURES } from '../../db/seeds/03_procedures';
import { STEP_BUDGETS } from '../../db/seeds/04_deadline_settings';
import { HANOI_1594_DOCUMENT, SEEDED_VERSIONS, SITE_INSPECTION_DOCUMENT } from '../../db/seeds/05_internal_procedures';

/** Internal procedures as data (issue 17): the seeded versions, and the drafts validation refuses. */

const AGENCIES = new Set<string>(SEED_AGENCIES.map((a) => a.eid));
const limitOf = (code: string): TimeLimit => {
  const p = SEED_PROCEDURES.find((x) => x.code === code);
  if (!p) throw new Error(`no seeded procedure ${code}`);
  return p.timeLimit;
};
const clone = (doc: InternalProcedureDocument): InternalProcedureDocument => structuredClone(doc);
const reasons = (doc: InternalProcedureDocument, code = 'TG-DOITRUSO') => validateInternalProcedure(doc, limitOf(code), AGENCIES).map((p) => p.reason);
const step = (doc: InternalProcedureDocument, key: string): ProcedureStep => {
  const s = doc.steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key}`);
  return s;
};

describe('seeded internal procedures', () => {
  it('the Hanoi 1594 structure is valid: 0.5 day of intake, then 29.5 of the 30 working days, 7 of them at the City PC office', () => {
    expect(validateInternalProcedure(HANOI_1594_DOCUMENT, limitOf('TG-DOITRUSO'), AGENCIES)).toEqual([]);
    expect(sharedBudgetHours(HANOI_1594_DOCUMENT.steps)).toBe(29.5 * WORKING_DAY_HOURS);
    const leg = step(HANOI_1594_DOCUMENT, 'ubnd_thanh_pho');
    expect(leg).toMatchObject({ kind: 'leg', agencyEid: '000.00.02.H29', decides: true, budget: { unit: 'working_days', value: 7 } });
    expect(leg.steps).toHaveLength(8);
    expect(leg.steps!.reduce((s, x) => s + budgetHours(x.budget), 0)).toBe(7 * WORKING_DAY_HOURS);
    // 15 steps as the decision numbers them: 1, 2 (three hand-offs), 3, 4, 5, 6–13 (the leg's eight), 14, 15.
    expect(HANOI_1594_DOCUMENT.steps.length - 1 + leg.steps!.length).toBe(17);
    expect(HANOI_1594_DOCUMENT.consultations).toHaveLength(2);
  });

  it('the construction-permit version with an on-site inspection is valid and fits 15 working days', () => {
    expect(validateInternalProcedure(SITE_INSPECTION_DOCUMENT, limitOf('XD-GPXD'), AGENCIES)).toEqual([]);
    expect(SITE_INSPECTION_DOCUMENT.steps.map((s) => s.kind)).toEqual(['intake', 'relay', 'assignment', 'review', 'verification', 'review', 'approval', 'decision', 'result']);
    expect(step(SITE_INSPECTION_DOCUMENT, 'du_thao').actions).toContain('propose');
    expect(sharedBudgetHours(SITE_INSPECTION_DOCUMENT.steps)).toBeLessThanOrEqual(15 * WORKING_DAY_HOURS);
  });

  it('every seeded non-default version names a seeded procedure', () => {
    for (const code of Object.keys(SEEDED_VERSIONS)) expect(SEED_PROCEDURES.some((p) => p.code === code)).toBe(true);
  });

  it('the default path is valid for every seeded procedure with its step budgets', () => {
    for (const p of SEED_PROCEDURES) {
      const budgets = STEP_BUDGETS[p.code]?.budgets;
      expect(budgets, `${p.code} has step budgets`).toBeDefined();
      const doc: InternalProcedureDocument = { title: 'Quy trình mặc định', basis: 'Cấu hình thủ tục', steps: defaultSteps(budgets!) };
      expect(validateInternalProcedure(doc, p.timeLimit, AGENCIES), p.code).toEqual([]);
    }
  });

  it('docs/internal-procedure-example.json is the seeded Hanoi version', () => {
    const example = JSON.parse(readFileSync(path.resolve(__dirname, '../../docs/internal-procedure-example.json'), 'utf8'));
    expect(example).toEqual(JSON.parse(JSON.stringify(HANOI_1594_DOCUMENT)));
  });
});

describe('validation of a draft', () => {
  it('refuses budgets over the legal time limit, saying both figures', () => {
    const doc = clone(HANOI_1594_DOCUMENT);
    step(doc, 'tham_dinh').budget = { unit: 'working_days', value: 17 };
    const problems = validateInternalProcedure(doc, limitOf('TG-DOITRUSO'), AGENCIES);
    expect(problems.map((p) => p.reason)).toEqual(['BudgetExceedsTimeLimit']);
    expect(problems[0]!.message).toContain('30.5 ngày');
    expect(problems[0]!.message).toContain('30 ngày làm việc');
  });

  it('lists the budget problem with the others in one answer', () => {
    const doc = clone(HANOI_1594_DOCUMENT);
    step(doc, 'tham_dinh').budget = { unit: 'working_days', value: 17 };
    step(doc, 'truong_phong_duyet').sendBackTo = ['giam_doc_duyet'];
    expect(reasons(doc)).toEqual(['SendBackNotEarlier', 'BudgetExceedsTimeLimit']);
  });

  it('does not count the intake budget against the limit', () => {
    const doc = clone(HANOI_1594_DOCUMENT);
    step(doc, 'tiep_nhan').budget = { unit: 'working_days', value: 2 };
    expect(reasons(doc)).toEqual([]);
  });

  it('refuses a send-back to a later step, to intake, or across the decision', () => {
    const later = clone(HANOI_1594_DOCUMENT);
    step(later, 'truong_phong_duyet').sendBackTo = ['giam_doc_duyet'];
    expect(reasons(later)).toEqual(['SendBackNotEarlier']);

    const intake = clone(HANOI_1594_DOCUMENT);
    step(intake, 'truong_phong_duyet').sendBackTo = ['tiep_nhan'];
    expect(reasons(intake)).toEqual(['SendBackToIntake']);

    const across = clone(HANOI_1594_DOCUMENT);
    Object.assign(step(across, 'nhan_ket_qua'), { actions: ['forward', 'send_back'], sendBackTo: ['tham_dinh'] });
    expect(reasons(across)).toEqual(['SendBackAcrossDecision']);

    const noTarget = clone(HANOI_1594_DOCUMENT);
    delete step(noTarget, 'truong_phong_duyet').sendBackTo;
    expect(reasons(noTarget)).toEqual(['SendBackTargetRequired']);
  });

  it('refuses a leg whose own steps exceed its budget', () => {
    const doc = clone(HANOI_1594_DOCUMENT);
    step(doc, 'ubnd_thanh_pho').steps!.find((s) => s.key === 'vp_tham_tra')!.budget = { unit: 'working_days', value: 3 };
    expect(reasons(doc)).toEqual(['LegBudgetExceeded']);
  });

  it('refuses a version without a decision, or with two', () => {
    const none = clone(HANOI_1594_DOCUMENT);
    delete step(none, 'ubnd_thanh_pho').decides;
    expect(reasons(none)).toEqual(['OneDecision']);

    const land = clone(SITE_INSPECTION_DOCUMENT);
    land.steps = land.steps.filter((s) => s.key !== 'phe_duyet');
    expect(reasons(land, 'XD-GPXD')).toContain('OneDecision');

    const two = clone(HANOI_1594_DOCUMENT);
    two.steps.splice(8, 0, { key: 'ky_them', name: 'Giám đốc Sở ký', unit: 'Lãnh đạo Sở', kind: 'decision', role: 'leader', budget: { unit: 'working_days', value: 0.5 }, actions: ['decide'] });
    expect(reasons(two)).toContain('OneDecision');
  });

  it('refuses a leg at an unknown agency, a step that cannot end, and consultations without a consulting step', () => {
    const unknown = clone(HANOI_1594_DOCUMENT);
    step(unknown, 'ubnd_thanh_pho').agencyEid = '000.99.99.H29';
    expect(reasons(unknown)).toEqual(['UnknownAgency']);

    const stuck = clone(HANOI_1594_DOCUMENT);
    step(stuck, 'chuyen_giam_doc').actions = [];
    expect(reasons(stuck)).toEqual(['StepCannotEnd']);

    const noConsult = clone(HANOI_1594_DOCUMENT);
    step(noConsult, 'tham_dinh').actions = ['request_supplement', 'propose'];
    expect(reasons(noConsult)).toEqual(['NoConsultingStep']);
  });

  it('lists every problem of a broken draft at once, each with its field', () => {
    const problems = validateInternalProcedure(
      { title: '', basis: ' ', steps: [{ key: 'Bad Key', name: '', unit: 'x', kind: 'review', role: 'specialist', budget: { unit: 'working_days', value: -1 }, actions: [] }] },
      limitOf('TG-DOITRUSO'),
      AGENCIES,
    );
    const fields = problems.map((p) => `${p.field}:${p.reason}`);
    expect(fields).toEqual(
      expect.arrayContaining(['title:TitleRequired', 'basis:BasisRequired', 'steps[0].key:InvalidStepKey', 'steps[0].name:StepNameRequired', 'steps[0].budget:InvalidStepBudget', 'steps[0]:FirstStepIntake', 'steps[0]:LastStepResult']),
    );
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });
});

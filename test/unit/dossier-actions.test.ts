import { describe, expect, it } from 'vitest';
import { actionRefusal, allowedActions, OFFICER_ACTIONS, type Caller, type DossierFacts } from '../../domain/dossier-actions';
import { DOSSIER_STATUSES, type DossierStatus } from '../../domain/status';
import type { OfficerRole } from '../../domain/types';

/** The pure rules behind the workflow's validators and the views' allowedActions (docs/problem-reasons.md). */

const NOW = Date.parse('2026-03-10T09:00:00+07:00');
const facts = (over: Partial<DossierFacts> = {}): DossierFacts => ({
  code: '000.20.20.H29-260310-0001',
  status: 'SUBMITTED',
  busy: false,
  deliveryMethod: 'counter',
  assignee: null,
  intakeSupplements: 0,
  processingSupplements: 0,
  fee: { amountVnd: 0, timing: 'none', paid: true },
  withPost: false,
  pendingVisit: null,
  clock: { awaitingFee: false, running: false, stopped: false, paused: false, pausedFor: null, dueAt: null, apologyBy: null, reappointed: false },
  ...over,
});
const officer = (userId: number, ...roles: OfficerRole[]): Caller => ({ kind: 'officer', userId, roles });
const ONE_STOP = officer(1, 'one_stop_officer');
const SPECIALIST = officer(2, 'specialist');
const OTHER_SPECIALIST = officer(3, 'specialist');
const LEADER = officer(4, 'leader');
const SUPERVISOR = officer(5, 'supervisor');
const running = { awaitingFee: false, running: true, stopped: false, paused: false, pausedFor: null, dueAt: '2026-03-13T09:00:00+07:00', apologyBy: '2026-03-12T09:00:00+07:00', reappointed: false };
const inReview = facts({ status: 'IN_REVIEW', assignee: { userId: 2, fullName: 'Lê Văn Hùng' }, clock: running });

/** Vietnamese: at least one letter only Vietnamese has, and no English sentence. */
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;
const ENGLISH = /\b(the|is|not|cannot|must|already|dossier)\b/;

describe('who may do what to a dossier, and when', () => {
  it('at intake: the one-stop officer accepts, asks once for a supplement or refuses; a leader may stop it', () => {
    expect(allowedActions(facts(), ONE_STOP, NOW)).toEqual(['acceptIntake', 'requestIntakeSupplement', 'refuseIntake', 'cancel']);
    expect(allowedActions(facts({ intakeSupplements: 1 }), ONE_STOP, NOW)).toEqual(['acceptIntake', 'refuseIntake', 'cancel']);
    expect(allowedActions(facts({ fee: { amountVnd: 50_000, timing: 'before_processing', paid: false } }), ONE_STOP, NOW)).toContain('recordPayment');
    expect(allowedActions(facts(), LEADER, NOW)).toEqual(['cancel']);
    expect(allowedActions(facts(), SPECIALIST, NOW)).toEqual([]);
    expect(allowedActions(facts(), SUPERVISOR, NOW)).toEqual([]);
  });

  it('in review: the assignee works it, another specialist cannot, the leader assigns, extends and may schedule an exceptional visit', () => {
    expect(allowedActions(inReview, SPECIALIST, NOW)).toEqual(['release', 'requestSupplement', 'scheduleVerification', 'proposeDecision', 'pauseClock']);
    expect(allowedActions(inReview, OTHER_SPECIALIST, NOW)).toEqual([]);
    expect(allowedActions(inReview, LEADER, NOW)).toEqual(['assign', 'scheduleVerification', 'cancel', 'extendDeadline', 'pauseClock', 'reappoint']);
    // After one supplement, only a leader asks again (with a reason).
    const asked = { ...inReview, processingSupplements: 1 };
    expect(allowedActions(asked, SPECIALIST, NOW)).not.toContain('requestSupplement');
    expect(allowedActions(asked, LEADER, NOW)).toContain('requestSupplement');
    // Past the apology's last day, or past due, the leader can neither re-appoint nor extend.
    expect(allowedActions(inReview, LEADER, Date.parse('2026-03-13T10:00:00+07:00'))).not.toContain('extendDeadline');
    expect(allowedActions(inReview, LEADER, Date.parse('2026-03-12T10:00:00+07:00'))).not.toContain('reappoint');
  });

  it('a paused clock: resumed, not extended, no supplement asked', () => {
    const paused = { ...inReview, clock: { ...running, paused: true, pausedFor: 'clock_excluded' as const } };
    expect(allowedActions(paused, SPECIALIST, NOW)).toEqual(['release', 'scheduleVerification', 'proposeDecision', 'resumeClock']);
    expect(actionRefusal('extendDeadline', paused, LEADER, {}, NOW)?.reason).toBe('ClockPaused');
  });

  it('the result: handed over at the counter once paid, never for an online result', () => {
    const approved = facts({ status: 'APPROVED', clock: { ...running, stopped: true } });
    expect(allowedActions(approved, ONE_STOP, NOW)).toEqual(['handOverResult']);
    expect(actionRefusal('handOverResult', { ...approved, deliveryMethod: 'online' }, ONE_STOP, {}, NOW)?.reason).toBe('ResultDeliveredOnline');
    expect(actionRefusal('handOverResult', { ...approved, fee: { amountVnd: 50_000, timing: 'before_result', paid: false } }, ONE_STOP, {}, NOW)?.reason).toBe('FeeUnpaid');
  });

  it('the applicant supplements when asked and withdraws before the decision; officers do neither', () => {
    const applicant: Caller = { kind: 'applicant' };
    expect(allowedActions(facts({ status: 'SUPPLEMENT_AT_INTAKE' }), applicant, NOW)).toEqual(['submitSupplement', 'withdraw']);
    expect(allowedActions(facts({ status: 'APPROVED' }), applicant, NOW)).toEqual([]);
    expect(actionRefusal('withdraw', facts(), LEADER, {}, NOW)?.reason).toBe('ApplicantOnly');
  });

  it('every refusal, for every status, role and action, has a reason code and says why in Vietnamese', () => {
    const callers = [ONE_STOP, SPECIALIST, OTHER_SPECIALIST, LEADER, SUPERVISOR, officer(6, 'admin')];
    const seen = new Set<string>();
    for (const status of Object.keys(DOSSIER_STATUSES) as DossierStatus[]) {
      for (const f of [facts({ status }), { ...inReview, status }, { ...inReview, status, busy: true }, { ...inReview, status, clock: null }]) {
        for (const who of callers) {
          for (const action of OFFICER_ACTIONS) {
            for (const variant of [{}, { override: true }, { exception: true }]) {
              const r = actionRefusal(action, f, who, variant, NOW);
              if (!r) continue;
              seen.add(r.reason);
              expect(r.reason).toMatch(/^[A-Z][A-Za-z]+$/);
              expect(r.detail, `${action} ${status} ${r.reason}`).toMatch(VIETNAMESE);
              expect(r.detail, `${action} ${status} ${r.reason}`).not.toMatch(ENGLISH);
            }
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['DossierBusy', 'DossierEnded', 'DossierStatusNotAllowed', 'NoClockLedger', 'NotAssignee', 'RoleRequired']));
  });

  describe('routed dossiers (a pinned internal procedure, issue 17)', () => {
    const step = (over: Partial<NonNullable<DossierFacts['step']>>) => ({ key: 'review', kind: 'review', role: 'specialist' as OfficerRole, agencyEid: '000.20.20.H29', actions: [] as string[], sendBackTo: [] as string[], ...over });
    const atReview = { ...inReview, step: step({ actions: ['consult', 'forward'] }), openConsultations: 0 };

    it('the step held decides what may be done: no proposal where the step forwards, forward and consult where it allows', () => {
      expect(allowedActions(atReview, SPECIALIST, NOW)).toEqual(expect.arrayContaining(['forwardStep', 'consult']));
      expect(allowedActions(atReview, SPECIALIST, NOW)).not.toContain('proposeDecision');
      expect(allowedActions(atReview, SPECIALIST, NOW)).not.toContain('requestSupplement');
      expect(actionRefusal('proposeDecision', atReview, SPECIALIST, {}, NOW)?.reason).toBe('StepActionNotAllowed');
      // A leader does not act at a specialist's step.
      expect(actionRefusal('forwardStep', atReview, LEADER, {}, NOW)?.reason).toBe('RoleRequired');
    });

    it('a stale screen is refused (StepChanged); open consultations hold the step (ConsultationsPending)', () => {
      expect(actionRefusal('forwardStep', atReview, SPECIALIST, { stepKey: 'assignment' }, NOW)?.reason).toBe('StepChanged');
      expect(actionRefusal('forwardStep', atReview, SPECIALIST, { stepKey: 'review' }, NOW)).toBeNull();
      expect(actionRefusal('forwardStep', { ...atReview, openConsultations: 2 }, SPECIALIST, { stepKey: 'review' }, NOW)?.reason).toBe('ConsultationsPending');
      expect(allowedActions({ ...atReview, openConsultations: 1 }, SPECIALIST, NOW)).toContain('chaseLeg');
    });

    it('decide only at the decision step, issue only at the issue step, send back where the step names it, hand over only at the result step', () => {
      const awaiting = { ...inReview, status: 'AWAITING_DECISION' as const };
      const approval = { ...awaiting, step: step({ key: 'approval', kind: 'approval', role: 'leader', actions: ['forward', 'send_back'], sendBackTo: ['review'] }) };
      expect(actionRefusal('decide', approval, LEADER, {}, NOW)?.reason).toBe('StepActionNotAllowed');
      expect(allowedActions(approval, LEADER, NOW)).toEqual(expect.arrayContaining(['forwardStep', 'sendBack']));
      const decision = { ...awaiting, step: step({ key: 'decision', kind: 'decision', role: 'leader', actions: ['decide'] }) };
      expect(actionRefusal('decide', decision, LEADER, {}, NOW)).toBeNull();
      expect(actionRefusal('sendBack', decision, LEADER, {}, NOW)?.reason).toBe('StepActionNotAllowed');
      const approved = { ...inReview, status: 'APPROVED' as const, clock: { ...running, stopped: true } };
      const issue = { ...approved, step: step({ key: 'issue', kind: 'issue', role: 'one_stop_officer', actions: ['issue'] }) };
      expect(allowedActions(issue, ONE_STOP, NOW)).toContain('issueResult');
      expect(allowedActions(issue, ONE_STOP, NOW)).not.toContain('handOverResult');
      const result = { ...approved, step: step({ key: 'result', kind: 'result', role: 'one_stop_officer', actions: [] }) };
      expect(allowedActions(result, ONE_STOP, NOW)).toContain('handOverResult');
    });

    it('the step actions are refused on the default path (NotRouted)', () => {
      for (const action of ['forwardStep', 'sendBack', 'consult', 'chaseLeg'] as const) expect(actionRefusal(action, inReview, SPECIALIST, {}, NOW)?.reason).toBe('NotRouted');
      expect(allowedActions(inReview, SPECIALIST, NOW)).toEqual(['release', 'requestSupplement', 'scheduleVerification', 'proposeDecision', 'pauseClock']);
    });

    it('every routed refusal says why in Vietnamese', () => {
      for (const status of Object.keys(DOSSIER_STATUSES) as DossierStatus[]) {
        for (const f of [{ ...atReview, status }, { ...atReview, status, openConsultations: 1 }]) {
          for (const who of [ONE_STOP, SPECIALIST, LEADER]) {
            for (const action of OFFICER_ACTIONS) {
              const r = actionRefusal(action, f, who, { stepKey: 'other' }, NOW);
              if (!r) continue;
              expect(r.detail, `${action} ${status} ${r.reason}`).toMatch(VIETNAMESE);
              expect(r.detail, `${action} ${status} ${r.reason}`).not.toMatch(ENGLISH);
            }
          }
        }
      }
    });
  });
});

import { acceptedEvent, acceptedFacts, assignedEvent, compactDeadline, feeProjection, numberedEvent, type DossierActivities } from '../../activities';
import type { Actor } from '../../domain/types';
import { alwaysOpenSchedule } from './always-open-deadlines';
import { defaultSteps } from '../../domain/internal-procedure';

/** Officers of the sample agency as workflow unit tests name them. */
export const OFFICER: Actor = { userId: 1, username: 'motcua.saigon', fullName: 'Trần Thị Mai', roles: ['one_stop_officer'] };
export const SPECIALIST: Actor = { userId: 2, username: 'chuyenvien.saigon1', fullName: 'Lê Văn Hùng', roles: ['specialist'] };
export const LEADER: Actor = { userId: 4, username: 'lanhdao.saigon', fullName: 'Nguyễn Quốc Bảo', roles: ['leader'] };

/**
 * Activities of the dossier workflow for unit tests: nothing is written anywhere, the
 * deadline maths are the real ones on an always-open calendar (a 30-day limit unless a
 * test says otherwise), and a test replaces whichever activity it is about.
 */
export function mockActivities(overrides: Partial<DossierActivities> = {}): DossierActivities {
  const activities: DossierActivities = {
    async recordDossierEvent() {},
    // Internal procedures and legs (issue 17): today's fixed path unless a test pins another version.
    async pinInternalProcedure(input) {
      return { procedureCode: input.procedureCode, version: 1, isDefault: true, steps: defaultSteps(null), consultations: [] };
    },
    async addWorkingHours(input) {
      return new Date(Date.parse(input.from) + input.hours * 3_600_000).toISOString();
    },
    async recordLegEvent() {},
    async alertAgency() {},
    async assignLegSpecialist() {
      return { userId: SPECIALIST.userId, fullName: SPECIALIST.fullName };
    },
    async scheduleDeadline(input) {
      const r = alwaysOpenSchedule(input, { unit: 'working_hours', value: 30 * 24 });
      return input.compact ? compactDeadline(r, input) : r;
    },
    async addWorkingDays(input) {
      return new Date(Date.parse(input.from) + input.workingDays * 86_400_000).toISOString();
    },
    async computeAppointment() {
      throw new Error('runs with the clock ledger use scheduleDeadline');
    },
    async computeDeadline() {
      return new Date(Date.now() + 86_400_000).toISOString();
    },
    async resumeClock() {
      throw new Error('runs with the clock ledger use scheduleDeadline');
    },
    async shipResult() {
      return { trackingNumber: 'EB000000019VN', feeVnd: 20_000 };
    },
    async feeDue() {
      return { amountVnd: 0, timing: 'none' as const };
    },
    async assignSpecialist() {
      return { userId: SPECIALIST.userId, fullName: SPECIALIST.fullName };
    },
    async issueResult() {
      return { number: '0001/2026/KQ-000.20.20.H29' };
    },
    async notifyApplicant() {},
    // The submission's fee and event in one (patch small-markers-v1): what this test's feeDue and recordDossierEvent do.
    async recordSubmission(event) {
      const fee = await activities.feeDue({ dossierId: event.dossierId });
      await activities.recordDossierEvent({ ...event, projection: { ...event.projection, ...feeProjection(fee) } });
      return fee;
    },
    // The decision's number and event in one (patch small-markers-v1): what this test's issueResult and recordDossierEvent do.
    async issueAndRecord(input) {
      const { number } = await activities.issueResult(input.issue);
      await activities.recordDossierEvent(numberedEvent(input.event, input.numberAt, number));
      return { number };
    },
    // The acceptance's one look-up (patch small-markers-v1): what this test's pin and schedule answer.
    async receiptFacts(input) {
      const pinned = await activities.pinInternalProcedure({ dossierId: input.dossierId, procedureCode: input.procedureCode, agencyEid: input.agencyEid, at: input.receivedAt });
      const deadline = await activities.scheduleDeadline({
        agencyEid: input.agencyEid,
        procedureCode: input.procedureCode,
        ledger: [],
        receivedAt: input.receivedAt,
        calendar: null,
        escalationLevel: 0,
        ...(input.policy ? { policy: input.policy } : {}),
        asOf: input.receivedAt,
        compact: true,
      });
      return { pinned: pinned.isDefault ? { version: pinned.version, isDefault: true } : pinned, deadline };
    },
    // Patch merged-records-v1: each a composition of this test's own activities, as the real ones compose theirs.
    async recordDossierEvents(events) {
      for (const e of events) await activities.recordDossierEvent(e);
    },
    async acceptAndRecord(input) {
      const facts = await activities.receiptFacts(input.receipt);
      await activities.recordDossierEvent(acceptedEvent(input.event, facts, input.feePaid, input.receipt.receivedAt));
      return acceptedFacts(facts);
    },
    async assignAndRecord(input) {
      let assignee: { userId: number; fullName: string };
      try {
        assignee = await activities.assignSpecialist({ dossierId: input.assigned.dossierId, agencyEid: input.agencyEid });
      } catch (err) {
        const pending = (err as Error).message;
        await activities.recordDossierEvent({ ...input.pending, data: { ...input.pending.data, reason: pending } });
        return { pending };
      }
      await activities.recordDossierEvent(assignedEvent(input.assigned, assignee));
      return assignee;
    },
    ...overrides,
  };
  return activities;
}

import { describe, expect, it } from 'vitest';
import { summaryFromView, viewFacts, type ActionDossierRow } from '../../dossiers/action-answer';
import { officerActions } from '../../dossiers/actions';
import type { DossierView } from '../../workflows/contracts/dossier-v1';

/**
 * An action's answer from the Update's own view (issue 18): what the view says, what the row
 * loaded before the Update adds, and when the read model must still be read (no facts, a pause
 * this very action began). The real stack compares it with the read model: e2e
 * officer-action-answer.
 */
const row: ActionDossierRow = {
  id: 7,
  code: '000.20.20.H29-261205-0001',
  agency_id: 3,
  workflow_id: 'dossier-000.20.20.H29-261205-0001',
  status: 'RECEIVED',
  applicant_id_number: '079123456789',
  channel: 'online',
  delivery_method: 'counter',
  submitted_at: new Date('2026-12-05T01:00:00Z'),
  clock_paused_at: null,
  procedure_code: 'KT-HKD',
  procedure_name: 'Đăng ký thành lập hộ kinh doanh',
  on_site_verification: false,
  agency_eid: '000.20.20.H29',
  agency_name: 'Ủy ban nhân dân Phường Sài Gòn',
};

function view(over: Partial<DossierView> = {}, paused = false): DossierView {
  return {
    code: row.code,
    status: 'IN_REVIEW',
    pending: null,
    receivedAt: '2026-12-05T09:00:00+07:00',
    appointmentAt: '2026-12-10T17:00:00+07:00',
    assignee: { userId: 11, fullName: 'Trần Thị Bình' },
    resultNumber: null,
    fee: { amountVnd: 0, timing: 'none', paid: true, receiptCode: null },
    deadline: {
      dueAt: '2026-12-10T17:00:00+07:00',
      appointmentAt: '2026-12-10T17:00:00+07:00',
      paused,
      state: paused ? 'paused' : 'running',
      warnAt: null,
      nextEscalationAt: null,
      apologyBy: '2026-12-09T17:00:00+07:00',
      escalationLevel: 0,
      reappointed: false,
      calendar: { code: 'VN-STATE', version: 1 },
    },
    lastSeq: 3,
    facts: {
      code: row.code,
      status: 'IN_REVIEW',
      busy: true,
      deliveryMethod: 'counter',
      assignee: { userId: 11, fullName: 'Trần Thị Bình' },
      intakeSupplements: 0,
      processingSupplements: 0,
      fee: { amountVnd: 0, timing: 'none', paid: true },
      withPost: false,
      pendingVisit: null,
      clock: { awaitingFee: false, running: true, stopped: false, paused, pausedFor: paused ? 'clock_excluded' : null, dueAt: '2026-12-10T17:00:00+07:00', apologyBy: '2026-12-09T17:00:00+07:00', reappointed: false },
    },
    ...over,
  };
}

describe('an action answered from the Update’s view', () => {
  it('gives the summary from the view and the row, in the read model’s words', () => {
    expect(summaryFromView(row, view())).toEqual({
      code: row.code,
      procedure: { code: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh' },
      agency: { eid: '000.20.20.H29', name: 'Ủy ban nhân dân Phường Sài Gòn' },
      channel: 'online',
      deliveryMethod: 'counter',
      status: { code: 'IN_REVIEW', label: expect.any(String) },
      submittedAt: '2026-12-05T08:00:00+07:00',
      receivedAt: '2026-12-05T09:00:00+07:00',
      appointmentAt: '2026-12-10T17:00:00+07:00',
      deadline: { dueAt: '2026-12-10T17:00:00+07:00', state: 'running', pausedSince: null, reappointed: false, escalationLevel: 0, calendar: { code: 'VN-STATE', version: 1 } },
      links: { status: `/api/v1/status/${row.code}`, deadline: `/api/v1/dossiers/${row.code}/deadline` },
    });
  });

  it('reads the facts as the read model does: the catalogue’s visit rule, no apology deadline, the due date in UTC, not busy', () => {
    const f = viewFacts(view(), row)!;
    expect(f).toMatchObject({ busy: false, siteVerification: false, clock: { apologyBy: null, dueAt: '2026-12-10T10:00:00.000Z' } });
    // The assignee may propose; a specialist's ordinary visit is refused where the catalogue provides none.
    const actions = officerActions(f, { userId: 11, username: 'chuyenvien.saigon1', fullName: 'Trần Thị Bình', roles: ['specialist'] });
    expect(actions).toContain('proposeDecision');
    expect(actions).not.toContain('scheduleVerification');
    expect(viewFacts(view(), { ...row, on_site_verification: true })!.siteVerification).toBe(true);
  });

  it('leaves to the read model a view without facts, and a pause this action began', () => {
    expect(summaryFromView(row, view({ facts: undefined }))).toBeNull();
    expect(viewFacts(view({ facts: undefined }), row)).toBeNull();
    expect(summaryFromView(row, view({}, true))).toBeNull();
    // Paused before the action and still: the row says since when.
    const since = new Date('2026-12-06T02:00:00Z');
    expect(summaryFromView({ ...row, clock_paused_at: since }, view({}, true))!.deadline!.pausedSince).toBe('2026-12-06T09:00:00+07:00');
  });
});

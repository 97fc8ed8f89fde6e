import { describe, expect, it } from 'vitest';
import { OFFICER_ACTIONS, type OfficerAction } from '../../domain/dossier-actions';
import { nextWorkingDate, visitOn } from '../helpers/site-visits';
import { applicantIds, citizenToken, dossierClient, eventually, http, payFeeAtCounter, submitSample, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * `allowedActions` on the officer's view is computed from the rules the workflow's validators
 * apply (domain/dossier-actions.ts), not copied: at each main stage of a dossier, for each
 * officer of its agency, every action listed is accepted by the API, and every action not
 * listed is refused (403/409, or 422 for a visit the catalogue does not provide for), with a
 * reason code and a Vietnamese detail (issue 15, items 4 and 6).
 */

type Stage = 'SUBMITTED' | 'IN_REVIEW' | 'AWAITING_DECISION' | 'APPROVED' | 'CANCELLED';
type Who = 'oneStop' | 'assignee' | 'otherSpecialist' | 'leader' | 'supervisor';

const ONE_STOP = 'motcua.saigon';
const LEADER = 'lanhdao.saigon';
const SUPERVISOR = 'giamsat.saigon';
const SPECIALISTS = ['chuyenvien.saigon1', 'chuyenvien.saigon2'];

/** Vietnamese: a letter only Vietnamese has, and no English sentence. */
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;
const ENGLISH = /\b(the|is|not|cannot|must|already|dossier|required|unknown|retry)\b/;

function expectExplained(r: HttpAnswer, what: string): void {
  expect(r.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect(r.body.reason, what).toMatch(/^[A-Z][A-Za-z]+$/);
  expect(r.body.detail, what).toMatch(VIETNAMESE);
  expect(r.body.detail, what).not.toMatch(ENGLISH);
}

describe('allowedActions: what each officer may do, computed from the workflow’s rules', () => {
  const { api } = useStack({ name: 'allowed-actions' });
  const { officer, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0794');

  const view = (code: string, user: string) => http('GET', `${api.baseUrl}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': user } });

  /** A fresh dossier (delivered at the counter, fee paid) brought to `stage` through the API. */
  async function dossierAt(stage: Stage): Promise<string> {
    const r = await submitSample(api.baseUrl, idNumber(), { deliveryMethod: 'counter' }, 'allowed');
    expect(r.status).toBe(201);
    const code = r.body.code as string;
    await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);
    await payFeeAtCounter(api.baseUrl, code);
    const step = async (action: string, user: string, body: unknown) => {
      const a = await officer(code, action, user, body);
      expect(a.status, `${action}: ${JSON.stringify(a.body)}`).toBe(200);
    };
    if (stage === 'CANCELLED') await step('cancel', LEADER, { reason: 'Công dân đề nghị dừng' });
    if (stage === 'SUBMITTED' || stage === 'CANCELLED') return code;
    await step('intake/accept', ONE_STOP, {});
    // The acceptance answers first; the specialist's assignment follows it (issue 18): the stage is reached once assigned.
    if (stage === 'IN_REVIEW') {
      await assigneeOf(code);
      return code;
    }
    await step('review/proposal', await assigneeOf(code), { proposal: 'approve' });
    if (stage === 'AWAITING_DECISION') return code;
    await step('decision', LEADER, { decision: 'approve' });
    return code;
  }

  /** The officers of the agency, by what they are to this dossier. */
  async function people(code: string): Promise<Record<Who, string>> {
    const assigned = await api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username');
    const assignee = assigned?.username ?? SPECIALISTS[0]!;
    return { oneStop: ONE_STOP, assignee, otherSpecialist: SPECIALISTS.find((s) => s !== assignee)!, leader: LEADER, supervisor: SUPERVISOR };
  }

  /** Each action as the console sends it, with a well-formed body for `user`. */
  async function attempt(action: OfficerAction, code: string, user: string): Promise<HttpAnswer> {
    const who = await people(code);
    const visit = { ...visitOn(nextWorkingDate(), '08:00', '10:00'), place: 'Số 1 Nguyễn Huệ, phường Sài Gòn', officers: ['Lê Văn Hùng'] };
    const bodies: Record<OfficerAction, [string, unknown]> = {
      acceptIntake: ['intake/accept', {}],
      requestIntakeSupplement: ['intake/supplement-request', { items: ['Bản sao hợp đồng thuê địa điểm kinh doanh'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 }],
      refuseIntake: ['intake/refuse', { reasons: ['Ngành nghề kinh doanh bị cấm'] }],
      assign: ['assignment', { specialist: who.otherSpecialist }],
      claim: ['claim', {}],
      release: ['release', {}],
      requestSupplement: ['review/supplement-request', { items: ['Bản vẽ mặt bằng'], reason: 'Thiếu bản vẽ', deadlineWorkingDays: 5, ...(user === LEADER ? { overrideReason: 'Thẩm định lại' } : {}) }],
      // A leader schedules what needs a leader's reason (the sample procedure provides no visit); a specialist, an ordinary visit.
      scheduleVerification: ['verification', { visit, purpose: 'Xác minh địa điểm kinh doanh', ...(user === LEADER ? { exceptionReason: 'Nghi vấn về địa điểm kinh doanh' } : {}) }],
      recordVerification: ['verification/record', { outcome: 'missed', findings: 'Không gặp chủ hộ', attachments: [] }],
      recordPayment: ['payments', { method: 'cash', amountVnd: 50_000 }],
      proposeDecision: ['review/proposal', { proposal: 'approve' }],
      decide: ['decision', { decision: 'approve' }],
      handOverResult: ['result/handover', { receivedBy: 'Nguyễn Văn An' }],
      cancel: ['cancel', { reason: 'Dừng theo đề nghị' }],
      extendDeadline: ['deadline/extension', { workingDays: 1, reason: 'Cần lấy ý kiến cơ quan thuế', legalBasis: 'Điều 5 Nghị định 297/2025/NĐ-CP' }],
      pauseClock: ['clock/pause', { reason: 'Chờ ý kiến cơ quan thuế', legalBasis: 'Điều 22 Nghị định 101/2024/NĐ-CP' }],
      resumeClock: ['clock/resume', {}],
      reappoint: ['deadline/reappointment', { reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 }],
      // Routed dossiers only (issue 17): the sample procedure runs the default path, so these are refused.
      forwardStep: ['steps/forward', { stepKey: 'review' }],
      sendBack: ['steps/send-back', { stepKey: 'decision', toStep: 'review', reason: 'Thẩm định lại' }],
      issueResult: ['result/issue', { stepKey: 'issue' }],
      consult: ['consultations', { stepKey: 'review', requests: [{ agencyEid: '000.00.00.H29', question: 'Xin ý kiến' }] }],
      chaseLeg: ['legs/chase', { workflowId: 'x' }],
    };
    const [path, body] = bodies[action];
    return officer(code, path, user, body);
  }

  const STAGES: Stage[] = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_DECISION', 'APPROVED', 'CANCELLED'];
  /** What the matrix found, for the expectations that the stages are told apart at all. */
  const listed = new Map<string, OfficerAction[]>();

  it.each(STAGES)('%s: every action not listed is refused with a reason in Vietnamese, and nothing happens', async (stage) => {
    const code = await dossierAt(stage);
    const who = await people(code);
    const before = (await view(code, SUPERVISOR)).body;
    for (const [role, user] of Object.entries(who) as Array<[Who, string]>) {
      const v = await view(code, user);
      expect(v.status).toBe(200);
      const allowed = v.body.allowedActions as OfficerAction[];
      listed.set(`${stage}:${role}`, allowed);
      for (const action of OFFICER_ACTIONS.filter((a) => !allowed.includes(a))) {
        const r = await attempt(action, code, user);
        const what = `${stage} ${role} ${action}: ${r.status} ${JSON.stringify(r.body)}`;
        // A visit the catalogue does not provide for is refused before the workflow hears of it: 422 with its reason.
        if (r.status === 422) expect(r.body.reason, what).toBe('ProcedureWithoutSiteVerification');
        else expect([403, 409], what).toContain(r.status);
        expectExplained(r, what);
      }
    }
    const after = (await view(code, SUPERVISOR)).body;
    expect({ status: after.status, events: after.events.length }).toEqual({ status: before.status, events: before.events.length });
  });

  it('each stage offers each officer only their part', () => {
    expect(listed.get('SUBMITTED:oneStop')).toEqual(['acceptIntake', 'requestIntakeSupplement', 'refuseIntake', 'cancel']);
    expect(listed.get('SUBMITTED:leader')).toEqual(['cancel']);
    expect(listed.get('SUBMITTED:assignee')).toEqual([]);
    expect(listed.get('IN_REVIEW:assignee')).toEqual(['release', 'requestSupplement', 'proposeDecision', 'pauseClock']);
    expect(listed.get('IN_REVIEW:otherSpecialist')).toEqual([]);
    expect(listed.get('IN_REVIEW:leader')).toEqual(['assign', 'scheduleVerification', 'cancel', 'extendDeadline', 'pauseClock', 'reappoint']);
    expect(listed.get('AWAITING_DECISION:leader')).toEqual(['decide', 'cancel', 'extendDeadline', 'pauseClock', 'reappoint']);
    expect(listed.get('APPROVED:oneStop')).toEqual(['handOverResult']);
    expect(listed.get('CANCELLED:leader')).toEqual([]);
    for (const stage of STAGES) expect(listed.get(`${stage}:supervisor`)).toEqual([]);
  });

  it.each(STAGES.filter((s) => s !== 'CANCELLED'))('%s: every action listed is accepted (each on a dossier of its own at that stage)', async (stage) => {
    const probe = await dossierAt(stage);
    const who = await people(probe);
    const offered: Array<[Who, OfficerAction]> = [];
    for (const [role, user] of Object.entries(who) as Array<[Who, string]>) {
      for (const action of (await view(probe, user)).body.allowedActions as OfficerAction[]) offered.push([role, action]);
    }
    expect(offered.length).toBeGreaterThan(0);
    for (const [role, action] of offered) {
      const code = await dossierAt(stage);
      const user = (await people(code))[role];
      const r = await attempt(action, code, user);
      expect(r.status, `${stage} ${role} ${action}: ${JSON.stringify(r.body)}`).toBe(200);
      // The answer carries what the officer may do next, from the same rules.
      expect(Array.isArray(r.body.allowedActions), action).toBe(true);
      if (action === 'requestSupplement' && role === 'assignee') {
        const requests = (await view(code, ONE_STOP)).body.requests;
        expect(requests.supplement).toMatchObject({ stage: 'processing', items: ['Bản vẽ mặt bằng'], reason: 'Thiếu bản vẽ', state: 'open', supplied: null, requestedBy: { role: 'specialist' } });
        expect(requests.supplement.deadline).toMatch(/\+07:00$/);
        expect(r.body.allowedActions).not.toContain('requestSupplement');
      }
      if (action === 'scheduleVerification') {
        const requests = (await view(code, user)).body.requests;
        expect(requests.visit).toMatchObject({ place: 'Số 1 Nguyễn Huệ, phường Sài Gòn', from: '08:00', to: '10:00', state: 'scheduled', purpose: 'Xác minh địa điểm kinh doanh' });
      }
    }
  });

  it('what the citizen was asked at intake, and what they supplied, is on the officer’s view', async () => {
    const code = await dossierAt('SUBMITTED');
    expect((await view(code, ONE_STOP)).body.requests).toEqual({ supplement: null, visit: null });
    expect((await attempt('requestIntakeSupplement', code, ONE_STOP)).status).toBe(200);
    const { applicant_id_number: owner } = await api.db('dossiers').where({ code }).first('applicant_id_number');
    // The applicant's own views offer what they may do: supplement, or withdraw.
    const asOwner = { Authorization: `Bearer ${await citizenToken(owner)}` };
    const mine = async () => (await http('GET', `${api.baseUrl}/api/v1/citizen/dossiers`, { headers: asOwner })).body.dossiers.find((d: { code: string }) => d.code === code);
    expect((await mine()).allowedActions).toEqual(['submitSupplement', 'withdraw']);
    expect((await http('GET', `${api.baseUrl}/api/v1/status/${code}`, { headers: asOwner })).body.allowedActions).toEqual(['submitSupplement', 'withdraw']);
    const supplied = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/supplement`, {
      body: { documents: [{ name: 'Bản sao hợp đồng thuê địa điểm kinh doanh' }], note: 'Đã bổ sung' },
      headers: { Authorization: `Bearer ${await citizenToken(owner)}` },
    });
    expect(supplied.status).toBe(200);
    expect((await mine()).allowedActions).toEqual(['withdraw']);
    const v = await view(code, ONE_STOP);
    expect(v.body.requests.supplement).toMatchObject({
      stage: 'intake',
      items: ['Bản sao hợp đồng thuê địa điểm kinh doanh'],
      reason: 'Thiếu giấy tờ',
      state: 'answered',
      supplied: { documents: [{ name: 'Bản sao hợp đồng thuê địa điểm kinh doanh' }], note: 'Đã bổ sung' },
    });
    expect(v.body.requests.supplement.answeredAt).toMatch(/\+07:00$/);
    // Asked once at intake: now accept or refuse.
    expect(v.body.allowedActions).toEqual(['acceptIntake', 'refuseIntake', 'cancel']);
    const again = await attempt('requestIntakeSupplement', code, ONE_STOP);
    expect(again.body).toMatchObject({ status: 409, reason: 'IntakeSupplementAlreadyRequested' });
  });

  it('the other refusals the console can show are explained in Vietnamese with a reason code', async () => {
    const code = await dossierAt('IN_REVIEW');
    const url = (p: string) => `${api.baseUrl}/api/v1${p}`;
    const as = (user: string) => ({ 'X-User-Id': user });
    const samples: Array<[string, Promise<HttpAnswer>, number]> = [
      ['unknown code', http('GET', url('/dossiers/000.20.20.H29-991231-9999'), { headers: as(LEADER) }), 404],
      ['another agency’s dossier', http('GET', url(`/dossiers/${code}`), { headers: as('lanhdao.tuphap') }), 404],
      ['malformed code', http('GET', url('/dossiers/khong-phai-ma'), { headers: as(LEADER) }), 400],
      ['no token', fetch(url(`/dossiers/${code}`)).then(async (res) => ({ status: res.status, headers: res.headers, body: await res.json() })), 401],
      ['a citizen on an officer endpoint', http('GET', url(`/dossiers/${code}`), { headers: { Authorization: `Bearer ${await citizenToken('079100000001')}` } }), 403],
      ['counter payment by a specialist', http('POST', url(`/dossiers/${code}/payments`), { body: { method: 'cash', amountVnd: 50_000 }, headers: as(SPECIALISTS[0]!) }), 403],
      ['fee paid twice', http('POST', url(`/dossiers/${code}/payments`), { body: { method: 'cash', amountVnd: 50_000 }, headers: as(ONE_STOP) }), 409],
      ['assign to a non-specialist', http('POST', url(`/dossiers/${code}/assignment`), { body: { specialist: ONE_STOP }, headers: as(LEADER) }), 422],
      ['a bad body', http('POST', url(`/dossiers/${code}/decision`), { body: { decision: 'maybe' }, headers: as(LEADER) }), 422],
      ['the worklist with a bad filter', http('GET', url('/dossiers?status=NOPE'), { headers: as(ONE_STOP) }), 422],
      ['supervision by a specialist', http('GET', url('/supervision/indicators?from=2026-03-01&to=2026-04-01'), { headers: as(SPECIALISTS[0]!) }), 403],
      ['supervision with a bad query', http('GET', url('/supervision/dossiers?view=late'), { headers: as(SUPERVISOR) }), 422],
      ['audit log by a specialist', http('GET', url(`/dossiers/${code}/audit`), { headers: as(SPECIALISTS[0]!) }), 403],
      ['webhooks by a leader', http('GET', url('/webhooks/subscriptions'), { headers: as(LEADER) }), 403],
      ['deadline asOf malformed', http('GET', url(`/dossiers/${code}/deadline?asOf=hom-qua`), { headers: as(SUPERVISOR) }), 422],
    ];
    for (const [what, pending, status] of samples) {
      const r = await pending;
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
      expectExplained(r, what);
    }
  });
});

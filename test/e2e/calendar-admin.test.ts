import { beforeAll, describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR, VN_STATE_CALENDAR_DAYS } from '../../domain/holidays-vn';
import { eventually, http, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Calendar administration (issue 4): versions, a derived agency calendar, propagation of a
 * base change, moving an agency to another calendar, and recomputing open dossiers.
 * Other suites share this database and the VN-STATE calendar: this one writes only calendars
 * and agencies of its own (random codes, e-IDs 000.98.x.H29) and never a VN-STATE version.
 */
const TAG = Math.random().toString(36).slice(2, 7).toUpperCase();
const SAT = `TEST-SAT-${TAG}`;
const BASE = `TEST-BASE-${TAG}`;
const DER = `TEST-DER-${TAG}`;
const REC = `TEST-REC-${TAG}`;
const EID_NO = 100 + Math.floor(Math.random() * 800);
const eid = (i: number) => `000.98.${EID_NO}${i}.H29`;

const ADMIN = { 'X-User-Id': 'quantri' };
const OFFICER = { 'X-User-Id': 'motcua.saigon' };
const OFFICE = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
];
const MON_FRI = { 1: OFFICE, 2: OFFICE, 3: OFFICE, 4: OFFICE, 5: OFFICE };
const WITH_SATURDAY_MORNING = { ...MON_FRI, 6: [{ start: '07:30', end: '11:30' }] };

describe('calendar administration', () => {
  const { api } = useStack({ name: 'calendars', worker: false });
  const url = (path: string) => `${api.baseUrl}/api/v1${path}`;
  const get = (path: string, headers: Record<string, string> = OFFICER) => http('GET', url(path), { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = ADMIN) => http('POST', url(path), { body, headers });

  /** An agency of this suite only, working by the latest version of `calendarCode`. */
  async function agencyOn(i: number, calendarCode: string): Promise<{ id: number; eid: string }> {
    const cal = await api.db('work_calendars').where('code', calendarCode).orderBy('version', 'desc').first('id');
    const [row] = await api.db('agencies')
      .insert({ eid: eid(i), name: `Cơ quan thử nghiệm ${TAG}-${i}`, level: 'commune', calendar_id: cal.id })
      .returning(['id', 'eid']);
    return row;
  }

  it('opens reads to identified officers and writes to administrators only', async () => {
    expect((await get('/calendars', {})).status).toBe(401);
    const list = await get('/calendars');
    expect(list.status).toBe(200);
    const national = list.body.items.find((c: any) => c.code === 'VN-STATE');
    expect(national).toMatchObject({ latestVersion: 1, base: null, coverage: { from: '2025-01-01', to: '2027-12-31' } });
    expect(national.agencies).toBeGreaterThanOrEqual(6);

    const one = await get('/calendars/VN-STATE');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ code: 'VN-STATE', version: 1, base: null, weeklyHours: { 1: OFFICE } });
    expect(one.body.days).toHaveLength(VN_STATE_CALENDAR_DAYS.length);
    expect(one.body.days).toContainEqual({ day: '2026-02-17', kind: 'day_off', name: 'Tết Bính Ngọ (mùng 1)', provisional: false, source: 'VN-STATE' });
    expect(one.body.versions.map((v: any) => v.version)).toEqual([1]);
    expect((await get('/calendars/NOPE')).status).toBe(404);
    expect((await get('/calendars/VN-STATE?version=9')).status).toBe(404);
    expect((await get('/calendars/VN-STATE?version=abc')).status).toBe(422);

    const denied = await post('/calendars', { code: SAT, name: 'x', baseCode: 'VN-STATE', reason: 'x' }, OFFICER);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect((await post('/calendars/VN-STATE/versions', { basedOnVersion: 1, reason: 'x', removeDays: ['2026-01-01'] }, OFFICER)).status).toBe(403);
    expect((await http('PUT', url(`/agencies/000.20.20.H29/calendar`), { body: { code: 'VN-STATE', reason: 'x' }, headers: OFFICER })).status).toBe(403);
  });

  it('builds an agency calendar with Saturday mornings over VN-STATE and moves an agency onto it', async () => {
    const created = await post('/calendars', {
      code: SAT,
      name: 'Công an phường: làm việc sáng thứ Bảy',
      baseCode: 'VN-STATE',
      reason: 'Tiếp nhận hồ sơ cư trú sáng thứ Bảy',
      weeklyHours: WITH_SATURDAY_MORNING,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/calendars/${SAT}?version=1`);
    expect(created.body).toMatchObject({
      code: SAT,
      version: 1,
      base: { code: 'VN-STATE', version: 1 },
      coverage: { from: '2025-01-01', to: '2027-12-31' },
      weeklyHours: { 6: [{ start: '07:30', end: '11:30' }] },
      createdBy: { username: 'quantri' },
      changeReason: 'Tiếp nhận hồ sơ cư trú sáng thứ Bảy',
      propagated: [],
    });
    // The national days show through, marked with where they come from.
    expect(created.body.days).toHaveLength(VN_STATE_CALENDAR_DAYS.length);
    expect(created.body.days.every((d: any) => d.source === 'VN-STATE')).toBe(true);
    expect((await post('/calendars', { code: SAT, name: 'x', baseCode: 'VN-STATE', reason: 'x' })).status).toBe(409);
    const unknownBase = await post('/calendars', { code: `${SAT}-X`, name: 'x', baseCode: 'NOPE', reason: 'x' });
    expect(unknownBase.status).toBe(422);

    const agency = await agencyOn(1, 'VN-STATE');
    const moved = await http('PUT', url(`/agencies/${agency.eid}/calendar`), { body: { code: SAT, reason: 'Quyết định làm việc sáng thứ Bảy' }, headers: ADMIN });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ agency: { eid: agency.eid }, calendar: { code: SAT, version: 1 }, previous: { code: 'VN-STATE', version: 1 } });
    const row = await api.db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').where('a.id', agency.id).first('c.code', 'c.version');
    expect(row).toEqual({ code: SAT, version: 1 });
    expect((await http('PUT', url('/agencies/000.98.0.H29/calendar'), { body: { code: SAT, reason: 'x' }, headers: ADMIN })).status).toBe(404);
    expect((await http('PUT', url(`/agencies/${agency.eid}/calendar`), { body: { code: 'NOPE', reason: 'x' }, headers: ADMIN })).status).toBe(422);
    expect((await get('/calendars')).body.items.find((c: any) => c.code === SAT).agencies).toBe(1);

    // Dossiers of that agency are dated with Saturday mornings: Fri 6 Mar 2026 10:00 + 5 working days
    // = 40 h: Fri 5.5 h, Sat 4 h (9.5), Mon–Wed 24 h (33.5), Thu 12 Mar 07:30–11:30 (37.5) + 13:00 + 2.5 h = 15:30.
    // (On VN-STATE it is Fri 13 Mar 10:00.)
    const preview = await http('POST', url('/sla/preview'), { body: { agencyCode: agency.eid, receivedAt: '2026-03-06T10:00:00+07:00', timeLimit: { workingDays: 5 } } });
    expect(preview.body).toMatchObject({ appointmentAt: '2026-03-12T15:30:00+07:00', calendar: { code: SAT, version: 1 } });
    // Whole days: the Saturday is the first working day after a Friday receipt, and closes at 11:30.
    const whole = await http('POST', url('/sla/preview'), {
      body: { agencyCode: agency.eid, receivedAt: '2026-03-06T10:00:00+07:00', timeLimit: { workingDays: 1, counting: 'whole_days' } },
    });
    expect(whole.body.appointmentAt).toBe('2026-03-07T11:30:00+07:00');
  });

  it('writes a new version as a copy with changes, refuses a stale one (409) and bad changes (422)', async () => {
    const v2 = await post(`/calendars/${SAT}/versions`, {
      basedOnVersion: 1,
      reason: 'Nghỉ một ngày để sửa chữa trụ sở',
      days: [{ day: '2026-03-10', kind: 'day_off', name: 'Nghỉ sửa chữa trụ sở' }],
    });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ code: SAT, version: 2, latestVersion: 2, base: { code: 'VN-STATE', version: 1 }, weeklyHours: WITH_SATURDAY_MORNING });
    expect(v2.body.days).toContainEqual({ day: '2026-03-10', kind: 'day_off', name: 'Nghỉ sửa chữa trụ sở', provisional: false, source: SAT });
    expect(v2.body.versions.map((v: any) => v.version)).toEqual([2, 1]);

    const stale = await post(`/calendars/${SAT}/versions`, { basedOnVersion: 1, reason: 'x', days: [{ day: '2026-03-11', kind: 'day_off', name: 'x' }] });
    expect(stale.status).toBe(409);
    expect(stale.body.latestVersion).toBe(2);

    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ weeklyHours: { 1: [{ start: '7:30', end: '11:30' }] } }, 'weeklyHours.1[0].start', 'HH:MM'],
      [{ weeklyHours: { 1: [{ start: '11:30', end: '07:30' }] } }, 'weeklyHours.1[0]', 'sau giờ bắt đầu'],
      [{ weeklyHours: { 1: [{ start: '07:30', end: '11:30' }, { start: '11:00', end: '13:00' }] } }, 'weeklyHours.1', 'chồng lên nhau'],
      [{ weeklyHours: { 7: OFFICE } }, 'weeklyHours.7', '0 (Chủ nhật) đến 6'],
      [{ weeklyHours: { 1: [], 2: [] } }, 'weeklyHours', 'ít nhất một ngày làm việc'],
      [{ days: [{ day: '2026-02-30', kind: 'day_off', name: 'x' }] }, 'days[0].day', 'ngày có thật'],
      [{ days: [{ day: '2026-03-16', kind: 'holiday', name: 'x' }] }, 'days[0].kind', 'day_off'],
      [{ days: [{ day: '2026-03-16', kind: 'day_off' }] }, 'days[0].name', 'tên ngày'],
      [{ days: [{ day: '2026-03-11', kind: 'working_day', name: 'Làm bù' }] }, 'days[0].kind', 'thứ Tư 11/03/2026 đã là ngày làm việc'],
      [{ days: [{ day: '2026-03-15', kind: 'day_off', name: 'Nghỉ' }] }, 'days[0].kind', 'đã là ngày nghỉ'],
      [{ days: [{ day: '2026-02-17', kind: 'day_off', name: 'Tết' }] }, 'days[0].kind', 'theo lịch nền VN-STATE'],
      [{ days: [{ day: '2028-01-05', kind: 'day_off', name: 'x' }] }, 'days[0].day', 'ngoài phạm vi'],
      [{ removeDays: ['2026-03-11'] }, 'removeDays[0]', 'không phải ngày riêng'],
      [{ coverageTo: '2028-12-31' }, 'coverageTo', 'phạm vi của lịch nền VN-STATE'],
      [{}, 'days', 'ít nhất một điều'],
    ];
    for (const [change, field, words] of bad) {
      const r = await post(`/calendars/${SAT}/versions`, { basedOnVersion: 2, reason: 'thử', ...change });
      expect(r.status, JSON.stringify(change)).toBe(422);
      const error = r.body.errors.find((e: any) => e.field === field);
      expect(error, `${JSON.stringify(change)} → ${JSON.stringify(r.body.errors)}`).toBeDefined();
      expect(error.message).toContain(words);
    }
    const noReason = await post(`/calendars/${SAT}/versions`, { basedOnVersion: 2, days: [{ day: '2026-03-16', kind: 'day_off', name: 'x' }] });
    expect(noReason.body.errors).toContainEqual({ field: 'reason', message: 'bắt buộc nhập' });
    expect((await post(`/calendars/${SAT}/versions`, { reason: 'x', removeDays: ['2026-03-10'] })).body.errors[0].field).toBe('basedOnVersion');
    expect((await get(`/calendars/${SAT}`)).body.version).toBe(2);

    // Removing an own day and working on a national holiday (a duty counter) are both changes.
    const v3 = await post(`/calendars/${SAT}/versions`, {
      basedOnVersion: 2,
      reason: 'Trực tiếp nhận ngày Quốc khánh; bỏ ngày nghỉ sửa chữa',
      removeDays: ['2026-03-10'],
      days: [{ day: '2026-09-02', kind: 'working_day', name: 'Trực tiếp nhận' }],
    });
    expect(v3.status).toBe(201);
    expect(v3.body.days.find((d: any) => d.day === '2026-03-10')).toBeUndefined();
    expect(v3.body.days).toContainEqual({ day: '2026-09-02', kind: 'working_day', name: 'Trực tiếp nhận', provisional: false, source: SAT });
    // Versions never change: version 2 still has its day off.
    const old = await get(`/calendars/${SAT}?version=2`);
    expect(old.body).toMatchObject({ version: 2, latestVersion: 3 });
    expect(old.body.days.find((d: any) => d.day === '2026-03-10')).toMatchObject({ source: SAT });
  });

  it('gives every calendar built on a base a new version when the base changes', async () => {
    const base = await post('/calendars', {
      code: BASE,
      name: 'Lịch nền thử nghiệm',
      reason: 'Lịch nền cho bộ kiểm thử',
      weeklyHours: MON_FRI,
      coverageFrom: '2026-01-01',
      coverageTo: '2026-12-31',
      days: [{ day: '2026-01-01', kind: 'day_off', name: 'Tết Dương lịch' }],
    });
    expect(base.status).toBe(201);
    expect(base.body).toMatchObject({ version: 1, base: null });
    const derived = await post('/calendars', {
      code: DER,
      name: 'Lịch riêng trên lịch nền thử nghiệm',
      baseCode: BASE,
      reason: 'Sáng thứ Bảy',
      weeklyHours: WITH_SATURDAY_MORNING,
      days: [{ day: '2026-05-04', kind: 'day_off', name: 'Nghỉ riêng của cơ quan' }],
    });
    expect(derived.status).toBe(201);
    expect(derived.body).toMatchObject({ version: 1, base: { code: BASE, version: 1 }, coverage: { from: '2026-01-01', to: '2026-12-31' } });

    const changed = await post(`/calendars/${BASE}/versions`, {
      basedOnVersion: 1,
      reason: 'Bổ sung ngày nghỉ',
      days: [{ day: '2026-06-01', kind: 'day_off', name: 'Nghỉ theo quyết định mới', provisional: true }],
    });
    expect(changed.status).toBe(201);
    expect(changed.body.propagated).toEqual([{ code: DER, version: 2, base: { code: BASE, version: 2 } }]);
    const der2 = await get(`/calendars/${DER}`);
    expect(der2.body).toMatchObject({ version: 2, base: { code: BASE, version: 2 }, weeklyHours: WITH_SATURDAY_MORNING, createdBy: { username: 'quantri' } });
    expect(der2.body.changeReason).toBe(`Theo lịch nền ${BASE} phiên bản 2: Bổ sung ngày nghỉ`);
    expect(der2.body.days).toContainEqual({ day: '2026-06-01', kind: 'day_off', name: 'Nghỉ theo quyết định mới', provisional: true, source: BASE });
    expect(der2.body.days).toContainEqual({ day: '2026-05-04', kind: 'day_off', name: 'Nghỉ riêng của cơ quan', provisional: false, source: DER });

    // A derived calendar that covered what its base covered follows a longer coverage.
    const longer = await post(`/calendars/${BASE}/versions`, { basedOnVersion: 2, reason: 'Dữ liệu nửa đầu 2027', coverageTo: '2027-06-30' });
    expect(longer.body.propagated).toEqual([{ code: DER, version: 3, base: { code: BASE, version: 3 } }]);
    expect((await get(`/calendars/${DER}`)).body.coverage).toEqual({ from: '2026-01-01', to: '2027-06-30' });
    // The derived calendar moved on: a change based on its version 1 is stale.
    expect((await post(`/calendars/${DER}/versions`, { basedOnVersion: 1, reason: 'x', removeDays: ['2026-05-04'] })).status).toBe(409);
  });

  describe('recomputing open dossiers on a new version', () => {
    let agency: { id: number; eid: string };
    const codes = { running: '', paused: '', legacy: '', done: '', otherCalendar: '' };

    /** A dossier row written directly (no workflow runs in this suite), with its clock ledger. */
    async function dossier(suffix: string, opts: { status: string; calendarCode?: string; dueAt: string | null; appointmentAt: string; ledger: Array<Record<string, unknown>> }) {
      const code = `${agency.eid}-260309-${suffix}`;
      const procedure = await api.db('procedures').where('code', 'KT-HKD').first('id');
      const [d] = await api.db('dossiers')
        .insert({
          code,
          workflow_id: `dossier-${code}`,
          procedure_id: procedure.id,
          agency_id: agency.id,
          channel: 'counter',
          delivery_method: 'counter',
          status: opts.status,
          applicant_full_name: 'Nguyễn Văn Thử',
          applicant_id_number: '079198000001', // not the sample applicant: other suites count the sample's dossiers
          submitted_at: '2026-03-09T09:50:00+07:00',
          received_at: '2026-03-09T10:00:00+07:00',
          appointment_at: opts.appointmentAt,
          due_at: opts.dueAt,
          calendar_code: opts.calendarCode ?? REC,
          calendar_version: 1,
        })
        .returning('id');
      if (opts.ledger.length) {
        await api.db('dossier_clock_entries').insert(
          opts.ledger.map((e, i) => ({ dossier_id: d.id, seq: i + 2, reason: null, legal_basis: null, actor_id: null, ...e, data: JSON.stringify(e.data ?? {}) })),
        );
      }
      return code;
    }

    const start = (value: number) => ({ kind: 'start', at: '2026-03-09T10:00:00+07:00', data: { limit: { unit: 'working_days', value } } });

    beforeAll(async () => {
      const created = await post('/calendars', { code: REC, name: 'Lịch thử tính lại', baseCode: 'VN-STATE', reason: 'Bộ kiểm thử' });
      expect(created.status).toBe(201);
      agency = await agencyOn(2, REC);
      // Received Mon 9 Mar 2026 10:00, 5 working days = 40 h: Mon 5.5 h, Tue–Fri 32 h (37.5),
      // Mon 16 Mar 07:30 + 2.5 h = 10:00.
      codes.running = await dossier('0001', { status: 'IN_REVIEW', dueAt: '2026-03-16T10:00:00+07:00', appointmentAt: '2026-03-16T10:00:00+07:00', ledger: [start(5)] });
      // 3 working days = 24 h; 7.5 h run before the pause (Mon 10:00–17:00, Tue 07:30–09:30), the
      // clock stops until Wed 13:00; then Wed 4 h (11.5), Thu 8 h (19.5), Fri 07:30–11:30 (23.5),
      // 13:00 + 0.5 h: Fri 13 Mar 13:30.
      codes.paused = await dossier('0002', {
        status: 'IN_REVIEW',
        dueAt: '2026-03-13T13:30:00+07:00',
        appointmentAt: '2026-03-13T13:30:00+07:00',
        ledger: [
          start(3),
          { kind: 'pause', at: '2026-03-10T09:30:00+07:00', reason: 'Yêu cầu bổ sung giấy tờ', data: { cause: 'citizen_supplement' } },
          { kind: 'resume', at: '2026-03-11T13:00:00+07:00', data: { restart: false } },
        ],
      });
      // Received before the clock ledger existed: no entries.
      codes.legacy = await dossier('0003', { status: 'RECEIVED', dueAt: null, appointmentAt: '2026-03-16T10:00:00+07:00', ledger: [] });
      codes.done = await dossier('0004', { status: 'COMPLETED', dueAt: '2026-03-16T10:00:00+07:00', appointmentAt: '2026-03-16T10:00:00+07:00', ledger: [start(5)] });
      codes.otherCalendar = await dossier('0005', {
        status: 'IN_REVIEW',
        calendarCode: 'VN-STATE',
        dueAt: '2026-03-16T10:00:00+07:00',
        appointmentAt: '2026-03-16T10:00:00+07:00',
        ledger: [start(5)],
      });
    });

    it('previews the due dates each open dossier would get on the new version, changing nothing', async () => {
      // Nothing is older than version 1.
      expect((await post(`/calendars/${REC}/recompute-preview`, {}, OFFICER)).body).toMatchObject({ calendar: { code: REC, version: 1 }, count: 0, dossiers: [] });

      const v2 = await post(`/calendars/${REC}/versions`, {
        basedOnVersion: 1,
        reason: 'Nghỉ đột xuất thứ Năm 12/3/2026',
        days: [{ day: '2026-03-12', kind: 'day_off', name: 'Nghỉ đột xuất' }],
      });
      expect(v2.status).toBe(201);

      const preview = await post(`/calendars/${REC}/recompute-preview`, {}, OFFICER);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ calendar: { code: REC, version: 2 }, count: 3, changed: 2 });
      expect(preview.body.dossiers).toEqual([
        // Thu 12 Mar no longer counts: each date moves one working day.
        { code: codes.running, fromVersion: 1, oldDueAt: '2026-03-16T10:00:00+07:00', newDueAt: '2026-03-17T10:00:00+07:00', changed: true },
        { code: codes.paused, fromVersion: 1, oldDueAt: '2026-03-13T13:30:00+07:00', newDueAt: '2026-03-16T13:30:00+07:00', changed: true },
        { code: codes.legacy, fromVersion: 1, oldDueAt: '2026-03-16T10:00:00+07:00', newDueAt: null, changed: false, note: expect.stringContaining('sổ theo dõi thời hạn') },
      ]);
      // Asking for a version explicitly gives the same list.
      expect((await post(`/calendars/${REC}/recompute-preview`, { version: 2 }, OFFICER)).body.dossiers).toHaveLength(3);
      expect((await post(`/calendars/${REC}/recompute-preview`, { version: 7 }, OFFICER)).status).toBe(404);

      const rows = await api.db('dossiers').whereIn('code', [codes.running, codes.paused]).select('calendar_version', 'due_at');
      expect(rows.every((r) => r.calendar_version === 1)).toBe(true);
      expect(await api.db('calendar_recomputations').where('calendar_code', REC).first()).toBeUndefined();
    });

    it('logs a recomputation and reports each dossier, one failure not stopping the others', async () => {
      expect((await post(`/calendars/${REC}/recompute`, { reason: 'x' }, OFFICER)).status).toBe(403);
      expect((await post(`/calendars/${REC}/recompute`, {})).body.errors).toContainEqual({ field: 'reason', message: 'bắt buộc nhập' });
      const notEligible = await post(`/calendars/${REC}/recompute`, { reason: 'x', dossierCodes: [codes.running, codes.done] });
      expect(notEligible.status).toBe(422);
      expect(notEligible.body.detail).toContain(codes.done);
      expect(await api.db('calendar_recomputations').where('calendar_code', REC).first()).toBeUndefined();

      // No workflow runs for these rows: the update fails for each, and that is what gets logged.
      const r = await post(`/calendars/${REC}/recompute`, { reason: 'Áp dụng ngày nghỉ đột xuất 12/3', dossierCodes: [codes.running, codes.paused] });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ calendar: { code: REC, version: 2 }, reason: 'Áp dụng ngày nghỉ đột xuất 12/3', requestedBy: { username: 'quantri' } });
      expect(r.body.finishedAt).toMatch(/\+07:00$/);
      expect(r.body.dossiers).toEqual([
        { code: codes.running, fromVersion: 1, oldDueAt: '2026-03-16T10:00:00+07:00', newDueAt: '2026-03-17T10:00:00+07:00', applied: false, error: expect.any(String) },
        { code: codes.paused, fromVersion: 1, oldDueAt: '2026-03-13T13:30:00+07:00', newDueAt: '2026-03-16T13:30:00+07:00', applied: false, error: expect.any(String) },
      ]);
      expect(r.body.dossiers[0].error.length).toBeGreaterThan(0);

      const log = await api.db('calendar_recomputations').where('id', r.body.id).first();
      const admin = await api.db('users').where('username', 'quantri').first('id');
      expect(log).toMatchObject({ calendar_code: REC, to_version: 2, requested_by: admin.id, reason: 'Áp dụng ngày nghỉ đột xuất 12/3', dossiers: r.body.dossiers });
      expect(log.finished_at).not.toBeNull();

      const listed = await get(`/calendars/${REC}/recomputations`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0]).toMatchObject({ id: r.body.id, calendar: { code: REC, version: 2 }, requestedBy: { username: 'quantri' }, dossiers: r.body.dossiers });
    });

  });
});

describe('recomputation applied by the dossier workflow (real worker)', () => {
  const E2E = `TEST-E2E-${TAG}`;
  const { api } = useStack({ name: 'calendars-e2e' });
  const url = (path: string) => `${api.baseUrl}/api/v1${path}`;

  it('rebases an open dossier on the new version: new due date, calendar version and a rebase entry in its ledger', async () => {
    expect((await http('POST', url('/calendars'), { body: { code: E2E, name: 'Lịch thử đầu cuối', baseCode: 'VN-STATE', reason: 'Bộ kiểm thử' }, headers: ADMIN })).status).toBe(201);
    const cal = await api.db('work_calendars').where({ code: E2E, version: 1 }).first('id');
    const [agency] = await api.db('agencies').insert({ eid: eid(3), name: `Cơ quan thử đầu cuối ${TAG}`, level: 'commune', calendar_id: cal.id }).returning(['id', 'eid']);
    const procedure = await api.db('procedures').where('code', 'DD-DANGKYLANDAU').first('id');
    await api.db('procedure_agencies').insert({ procedure_id: procedure.id, agency_id: agency.id });
    const staff = await api.db('users')
      .insert([
        { username: `tn.motcua.${TAG}`, full_name: 'Cán bộ một cửa thử nghiệm' },
        { username: `tn.chuyenvien.${TAG}`, full_name: 'Chuyên viên thử nghiệm' },
      ])
      .returning('id');
    await api.db('user_roles').insert([
      { user_id: staff[0].id, agency_id: agency.id, role: 'one_stop_officer' },
      { user_id: staff[1].id, agency_id: agency.id, role: 'specialist' },
    ]);

    // Received at the counter now: 20 working days on version 1.
    const submitted = await http('POST', url('/counter/dossiers'), {
      body: {
        procedureCode: 'DD-DANGKYLANDAU',
        agencyEid: agency.eid,
        deliveryMethod: 'counter',
        acceptNow: true,
        applicant: { fullName: 'Trần Văn Thử', idNumber: '079200000001', phone: '0912345678' },
        documents: [{ name: 'Đơn đăng ký đất đai (Mẫu 04/ĐK)', checklistItem: 1 }, { name: 'Giấy tờ về quyền sử dụng đất' }],
      },
      headers: { 'Idempotency-Key': uniqueKey('cal-e2e'), 'X-User-Id': `tn.motcua.${TAG}` },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const code: string = submitted.body.code;
    const dated = await eventually(
      () => api.db('dossiers').where('code', code).first('id', 'status', 'due_at', 'calendar_code', 'calendar_version'),
      (d) => d.due_at !== null && d.status === 'IN_REVIEW',
    );
    expect(dated).toMatchObject({ calendar_code: E2E, calendar_version: 1 });
    const start = await api.db('dossier_clock_entries').where({ dossier_id: dated.id, kind: 'start' }).first('at');

    // Version 2 closes the first working day after the receipt: the due date moves one working day.
    const national = new WorkingCalendar(VN_STATE_CALENDAR);
    const receivedAt = new Date(start.at);
    let dayOff = national.localDateOf(receivedAt);
    do dayOff = new Date(Date.parse(`${dayOff}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    while (!national.isWorkingDay(dayOff));
    const limit = { unit: 'working_days', value: 20 } as const;
    const oldDue = toOffsetIso(national.appointment(receivedAt, limit));
    const newDue = toOffsetIso(
      new WorkingCalendar({ ...VN_STATE_CALENDAR, daysOff: [...VN_STATE_CALENDAR.daysOff, dayOff] }).appointment(receivedAt, limit),
    );
    expect(toOffsetIso(new Date(dated.due_at))).toBe(oldDue);
    const v2 = await http('POST', url(`/calendars/${E2E}/versions`), {
      body: { basedOnVersion: 1, reason: 'Nghỉ đột xuất', days: [{ day: dayOff, kind: 'day_off', name: 'Nghỉ đột xuất' }] },
      headers: ADMIN,
    });
    expect(v2.status).toBe(201);
    const preview = await http('POST', url(`/calendars/${E2E}/recompute-preview`), { body: {}, headers: ADMIN });
    expect(preview.body.dossiers).toEqual([{ code, fromVersion: 1, oldDueAt: oldDue, newDueAt: newDue, changed: true }]);

    const r = await http('POST', url(`/calendars/${E2E}/recompute`), { body: { reason: 'Áp dụng ngày nghỉ đột xuất' }, headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.dossiers).toEqual([{ code, fromVersion: 1, oldDueAt: oldDue, newDueAt: newDue, applied: true }]);
    const after = await eventually(
      () => api.db('dossiers').where('code', code).first('due_at', 'calendar_version'),
      (d) => d.calendar_version === 2,
    );
    expect(toOffsetIso(new Date(after.due_at))).toBe(newDue);
    const rebase = await api.db('dossier_clock_entries').where({ dossier_id: dated.id, kind: 'rebase' }).first('data', 'reason', 'actor_id');
    expect(rebase).toMatchObject({ data: { calendarCode: E2E, calendarVersion: 2 }, reason: 'Áp dụng ngày nghỉ đột xuất' });
    // Nothing older than version 2 is left open.
    expect((await http('POST', url(`/calendars/${E2E}/recompute-preview`), { body: {}, headers: ADMIN })).body.count).toBe(0);
  });
});

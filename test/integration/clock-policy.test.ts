import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { createDb } from '../../db/connection';

/**
 * The supplement clock policies (docs/domain.md §3.2, §12) on the seeded calendar, with fixed
 * instants: PAUSE adds the working time the clock stood still, RESTART counts the full
 * limit again from the supplement, CONTINUE keeps the date.
 */
describe('clock policy after a supplement during processing', () => {
  const db = createDb(inject('databaseUrl'));
  const activities = createActivities({ db });
  afterAll(() => db.destroy());

  // Criminal-record certificate at the Department of Justice: 10 calendar days, only used here.
  const base = {
    agencyEid: '000.00.12.H29',
    procedureCode: 'TP-LLTP',
    appointmentAt: '2026-03-20T17:00:00+07:00',
    pausedAt: '2026-03-11T09:00:00+07:00', // Wednesday
    resumedAt: '2026-03-13T11:00:00+07:00', // Friday: 2 days + 2 hours of office time later
  };
  const withPolicy = async (policy: 'PAUSE' | 'RESTART' | 'CONTINUE') => {
    await db('procedures').where('code', 'TP-LLTP').update({ clock_policy: policy });
    return activities.resumeClock(base);
  };

  it('PAUSE moves the appointment by the working time the clock stood still', async () => {
    const r = await withPolicy('PAUSE');
    expect(r).toMatchObject({ policy: 'PAUSE', pausedWorkingMinutes: (2 * 8 + 2) * 60 });
    // Friday 20 March 17:00 + 18 working hours: Monday 8 h, Tuesday 8 h, Wednesday 07:30 + 2 h.
    expect(r.appointmentAt).toBe('2026-03-25T09:30:00+07:00');
  });

  it('RESTART counts the whole limit again from the supplement', async () => {
    const r = await withPolicy('RESTART');
    // 10 calendar days from Friday 13 March is Monday 23 March, close of office hours.
    expect(r).toMatchObject({ policy: 'RESTART', appointmentAt: '2026-03-23T17:00:00+07:00' });
  });

  it('CONTINUE keeps the appointment: the citizen’s time counts against the limit', async () => {
    const r = await withPolicy('CONTINUE');
    expect(r).toMatchObject({ policy: 'CONTINUE', appointmentAt: base.appointmentAt });
  });

  afterAll(async () => {
    await db('procedures').where('code', 'TP-LLTP').update({ clock_policy: 'PAUSE' });
  });
});

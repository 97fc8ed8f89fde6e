import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActionLabel, EVENT_LABEL, STEP_LABEL } from '../../web/src/console/dossier/labels';
import { timeLeft, workingTimeWords } from '../../web/src/console/dossier/time-left';
import { HANDOFF_STEPS } from '../../supervision/reports';
import { ROOT } from '../helpers/stack';

/**
 * The dossier page's words (issue 15): time left said in working days and hours, and a
 * Vietnamese phrase for every event type the workflow logs and every step of the sheet.
 */
describe('console dossier page: words', () => {
  it('says working time in days and hours of 8 working hours', () => {
    expect(workingTimeWords(1020)).toBe('2 ngày 1 giờ làm việc');
    expect(workingTimeWords(180)).toBe('3 giờ làm việc');
    expect(workingTimeWords(960)).toBe('2 ngày làm việc');
    expect(workingTimeWords(45)).toBe('45 phút làm việc');
    expect(workingTimeWords(0)).toBe('0 phút làm việc');
  });

  it('says where a dossier stands against its deadline, coloured and in words', () => {
    const base = { receivedAt: '2026-12-07T08:00:00+07:00', limit: { unit: 'working_days', value: 3 }, limitMinutes: 1440 };
    expect(timeLeft({ ...base, state: 'running', remainingMinutes: 1140 })).toMatchObject({ color: 'teal', words: 'Còn 2 ngày 3 giờ làm việc' });
    expect(timeLeft({ ...base, state: 'at_risk', remainingMinutes: 120 })).toMatchObject({ color: 'orange', words: 'Sắp đến hạn: còn 2 giờ làm việc' });
    expect(timeLeft({ ...base, state: 'overdue', remainingMinutes: 0, overdueBy: { workingMinutes: 180 } })).toMatchObject({ color: 'red', words: 'Quá hạn 3 giờ làm việc' });
    expect(timeLeft({ ...base, state: 'paused', pausedSince: '2026-12-07T09:00:00+07:00' })).toMatchObject({ color: 'gray', words: 'Tạm dừng tính thời gian', detail: 'Từ 09:00, thứ Hai 07/12/2026' });
    expect(timeLeft({ ...base, state: 'stopped', outcome: { endedAt: '2026-12-08T10:00:00+07:00', result: 'early' } }).words).toBe('Hoàn thành trước hạn');
    expect(timeLeft({ ...base, state: 'stopped', overdueBy: { workingMinutes: 540 }, outcome: { endedAt: '2026-12-11T10:00:00+07:00', result: 'late' } }).words).toBe('Hoàn thành quá hạn 1 ngày 1 giờ làm việc');
    expect(timeLeft({ receivedAt: null }).words).toBe('Chưa tiếp nhận: thời hạn chưa bắt đầu');
  });

  it('has a Vietnamese phrase for every event type the workflow logs and every step of the sheet', () => {
    const sources = ['workflows/dossier', 'dossiers', 'activities'].flatMap((dir) =>
      fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8')),
    );
    const logged = new Set<string>();
    for (const src of sources) {
      // `type: 'x'` and `type: cond === 'a' ? 'x' : 'y'` where events are appended (not the condition's 'a').
      for (const m of src.matchAll(/\btype: ([^,\n}]+)/g)) for (const q of m[1]!.matchAll(/'([a-z]+(?:_[a-z]+)*)'(?!\s*\?)/g)) logged.add(q[1]!);
    }
    const notEvents = new Set(['string', 'object', 'array', 'integer', 'http', 'boolean', 'number']);
    const types = [...logged].filter((t) => !notEvents.has(t));
    expect(types.length).toBeGreaterThan(30);
    expect(types.filter((t) => !EVENT_LABEL[t])).toEqual([]);
    expect(HANDOFF_STEPS.filter((s) => !STEP_LABEL[s])).toEqual([]);
  });

  it('names audit actions in Vietnamese', () => {
    expect(auditActionLabel('dossier.fee_paid')).toBe('Nộp phí, lệ phí');
    expect(auditActionLabel('POST /api/v1/dossiers/:code/intake/accept')).toBe('Tiếp nhận hồ sơ');
    expect(auditActionLabel('POST /api/v1/dossiers/:code/payments')).toBe('Thu phí, lệ phí tại quầy');
  });
});

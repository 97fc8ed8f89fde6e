import { describe, expect, it } from 'vitest';
import { visitEnd, visitIsPast, visitStart, visitWindowText } from '../../domain/site-visit';

describe('site-visit windows (docs/domain.md §3.9)', () => {
  const visit = { date: '2026-12-07', from: '08:00', to: '10:00' };

  it('are in Việt Nam time', () => {
    expect(new Date(visitStart(visit)).toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(new Date(visitEnd(visit)).toISOString()).toBe('2026-12-07T03:00:00.000Z');
    expect(visitWindowText(visit)).toBe('từ 08:00 đến 10:00 ngày 07/12/2026');
  });

  it('are past once their start minute has gone by, not while it runs', () => {
    const start = Date.parse(visitStart(visit));
    expect(visitIsPast(start, start - 1)).toBe(false);
    expect(visitIsPast(start, start + 59_999)).toBe(false); // the visit is taking place now
    expect(visitIsPast(start, start + 60_000)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { vnDocumentDate, vnDocumentDateTime, vnDocumentTime, vnTime } from '../../domain/vn-time';

describe('dates and times as Vietnamese documents write them', () => {
  it('says the date in words, day and month on two digits, in Việt Nam time', () => {
    expect(vnDocumentDate('2026-12-03T01:47:05+07:00')).toBe('ngày 03 tháng 12 năm 2026');
    expect(vnDocumentDate(new Date('2026-02-27T03:00:00Z'))).toBe('ngày 27 tháng 02 năm 2026');
  });

  it('counts the day in Asia/Ho_Chi_Minh (UTC+7), not in UTC', () => {
    // 31 Dec 2026 18:30 UTC is already New Year's Day in Việt Nam.
    expect(vnDocumentDate('2026-12-31T18:30:00Z')).toBe('ngày 01 tháng 01 năm 2027');
    expect(vnDocumentTime('2026-12-31T18:30:00Z')).toBe('01 giờ 30 phút');
    // 16:59:59.999 UTC is still the same local day, 23:59.
    expect(vnDocumentDate('2026-03-01T16:59:59.999Z')).toBe('ngày 01 tháng 03 năm 2026');
    expect(vnDocumentTime('2026-03-01T16:59:59.999Z')).toBe('23 giờ 59 phút');
  });

  it('says the time in hours and minutes on 24 hours, seconds dropped', () => {
    expect(vnDocumentTime('2026-12-03T17:00:00+07:00')).toBe('17 giờ 00 phút');
    expect(vnDocumentTime('2026-12-03T01:47:05+07:00')).toBe('01 giờ 47 phút');
    expect(vnDocumentTime(new Date('2026-12-03T00:05:59Z'))).toBe('07 giờ 05 phút');
  });

  it('joins both as Form 01 prints a moment', () => {
    expect(vnDocumentDateTime('2026-02-27T10:00:00+07:00')).toBe('10 giờ 00 phút, ngày 27 tháng 02 năm 2026');
  });

  it('refuses what is not a time rather than print "NaN"', () => {
    expect(() => vnDocumentDate('yesterday')).toThrow(RangeError);
    expect(() => vnDocumentTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('leaves the JSON form (ISO with its offset) as it was', () => {
    expect(vnTime('2026-12-02T18:47:05Z')).toBe('2026-12-03T01:47:05+07:00');
  });
});

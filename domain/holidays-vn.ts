import type { WorkingCalendarData } from './calendar';

/**
 * State-agency working calendar 2025–2027 (docs/domain.md §5.2).
 * 2025: Công văn 8726/VPCP-KGVX; 2026: Công văn 9859/VPCP-KGVX (plan 8764/BNV-CVL).
 * 2027 is computed from the lunar calendar and the Labour Code; the Prime Minister's
 * swap decision was not yet published, so those rows are marked provisional and an
 * admin can replace them with a new calendar version.
 */
export interface CalendarDay {
  day: string;
  kind: 'day_off' | 'working_day';
  name: string;
  provisional?: boolean;
}

export const VN_STATE_CALENDAR_DAYS: readonly CalendarDay[] = [
  // 2025
  { day: '2025-01-01', kind: 'day_off', name: 'Tết Dương lịch' },
  { day: '2025-01-27', kind: 'day_off', name: 'Tết Ất Tỵ' },
  { day: '2025-01-28', kind: 'day_off', name: 'Tết Ất Tỵ' },
  { day: '2025-01-29', kind: 'day_off', name: 'Tết Ất Tỵ (mùng 1)' },
  { day: '2025-01-30', kind: 'day_off', name: 'Tết Ất Tỵ' },
  { day: '2025-01-31', kind: 'day_off', name: 'Tết Ất Tỵ' },
  { day: '2025-04-07', kind: 'day_off', name: 'Giỗ Tổ Hùng Vương' },
  { day: '2025-04-26', kind: 'working_day', name: 'Làm bù cho ngày 02/5/2025' },
  { day: '2025-04-30', kind: 'day_off', name: 'Ngày Chiến thắng' },
  { day: '2025-05-01', kind: 'day_off', name: 'Quốc tế Lao động' },
  { day: '2025-05-02', kind: 'day_off', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)' },
  { day: '2025-09-01', kind: 'day_off', name: 'Quốc khánh' },
  { day: '2025-09-02', kind: 'day_off', name: 'Quốc khánh' },
  // 2026
  { day: '2026-01-01', kind: 'day_off', name: 'Tết Dương lịch' },
  { day: '2026-02-16', kind: 'day_off', name: 'Tết Bính Ngọ (29 tháng Chạp)' },
  { day: '2026-02-17', kind: 'day_off', name: 'Tết Bính Ngọ (mùng 1)' },
  { day: '2026-02-18', kind: 'day_off', name: 'Tết Bính Ngọ' },
  { day: '2026-02-19', kind: 'day_off', name: 'Tết Bính Ngọ' },
  { day: '2026-02-20', kind: 'day_off', name: 'Tết Bính Ngọ' },
  { day: '2026-04-27', kind: 'day_off', name: 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)' },
  { day: '2026-04-30', kind: 'day_off', name: 'Ngày Chiến thắng' },
  { day: '2026-05-01', kind: 'day_off', name: 'Quốc tế Lao động' },
  { day: '2026-08-22', kind: 'working_day', name: 'Làm bù cho ngày 31/8/2026' },
  { day: '2026-08-31', kind: 'day_off', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 22/8)' },
  { day: '2026-09-01', kind: 'day_off', name: 'Quốc khánh' },
  { day: '2026-09-02', kind: 'day_off', name: 'Quốc khánh' },
  // 2027 — computed, pending the Prime Minister's decision
  { day: '2027-01-01', kind: 'day_off', name: 'Tết Dương lịch', provisional: true },
  { day: '2027-02-05', kind: 'day_off', name: 'Tết Đinh Mùi (29 tháng Chạp, ngày cuối năm)', provisional: true },
  { day: '2027-02-08', kind: 'day_off', name: 'Tết Đinh Mùi', provisional: true },
  { day: '2027-02-09', kind: 'day_off', name: 'Tết Đinh Mùi', provisional: true },
  { day: '2027-02-10', kind: 'day_off', name: 'Nghỉ bù Tết (mùng 1 là thứ Bảy)', provisional: true },
  { day: '2027-02-11', kind: 'day_off', name: 'Nghỉ bù Tết (mùng 2 là Chủ nhật)', provisional: true },
  { day: '2027-04-16', kind: 'day_off', name: 'Giỗ Tổ Hùng Vương', provisional: true },
  { day: '2027-04-30', kind: 'day_off', name: 'Ngày Chiến thắng', provisional: true },
  { day: '2027-05-03', kind: 'day_off', name: 'Nghỉ bù Quốc tế Lao động (1/5 là thứ Bảy)', provisional: true },
  { day: '2027-09-02', kind: 'day_off', name: 'Quốc khánh', provisional: true },
  { day: '2027-09-03', kind: 'day_off', name: 'Quốc khánh (ngày liền kề)', provisional: true },
];

/** Default office hours (docs/domain.md §12): Mon–Fri 07:30–11:30 and 13:00–17:00. */
export const DEFAULT_OFFICE_HOURS = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
];

export const VN_STATE_CALENDAR: WorkingCalendarData = {
  code: 'VN-STATE',
  version: 1,
  utcOffsetMinutes: 420,
  weeklyHours: {
    1: DEFAULT_OFFICE_HOURS,
    2: DEFAULT_OFFICE_HOURS,
    3: DEFAULT_OFFICE_HOURS,
    4: DEFAULT_OFFICE_HOURS,
    5: DEFAULT_OFFICE_HOURS,
  },
  daysOff: VN_STATE_CALENDAR_DAYS.filter((d) => d.kind === 'day_off').map((d) => d.day),
  workingDays: VN_STATE_CALENDAR_DAYS.filter((d) => d.kind === 'working_day').map((d) => d.day),
  coverage: { from: '2025-01-01', to: '2027-12-31' },
};

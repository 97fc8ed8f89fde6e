import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { TimeLimit } from '../api/types';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale('vi');

/** Every time people read is said in Việt Nam's time zone, whatever the browser's. */
export const VN_TZ = 'Asia/Ho_Chi_Minh';
const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const NBSP = '\u00a0';

export const inVietnam = (iso: string) => dayjs(iso).tz(VN_TZ);

/** "10:00, thứ Sáu 13/02/2026" (as the receipts and explanations say it). */
export function dateTimeVn(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = inVietnam(iso);
  return `${d.format('HH:mm')}, ${WEEKDAYS[d.day()]} ${d.format('DD/MM/YYYY')}`;
}

/** "13/02/2026". */
export function dateVn(iso: string | null | undefined): string {
  return iso ? inVietnam(iso).format('DD/MM/YYYY') : '—';
}

/** "2026-02-13" as "thứ Sáu 13/02/2026" (a calendar day, no time zone). */
export function dayVn(day: string): string {
  const d = dayjs(`${day}T12:00:00Z`);
  return `${WEEKDAYS[d.day()]} ${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** 50000 → "50.000 ₫". */
export function vnd(amount: number | string): string {
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }).format(Number(amount))}${NBSP}₫`;
}

/** The time limit of the catalogue in words (as domain/clock-ledger.ts describeLimit). */
export function timeLimitText(limit: TimeLimit): string {
  switch (limit.unit) {
    case 'working_days':
      return `${limit.value} ngày làm việc${limit.counting === 'whole_days' ? ' (không tính ngày tiếp nhận)' : ''}`;
    case 'working_hours':
      return `${limit.value} giờ làm việc`;
    case 'calendar_days':
      return `${limit.value} ngày`;
    case 'same_day':
      return `Trong ngày (tiếp nhận sau ${limit.cutoff ?? '15:00'} trả ngày làm việc tiếp theo)`;
  }
}

export const CHANNEL_LABEL: Record<string, string> = {
  counter: 'Nộp trực tiếp',
  online: 'Nộp trực tuyến',
  postal: 'Nộp qua bưu chính',
};

export const ONLINE_LEVEL_LABEL: Record<string, string> = {
  full: 'Dịch vụ công trực tuyến toàn trình',
  partial: 'Dịch vụ công trực tuyến một phần',
};

export const FEE_TIMING_LABEL: Record<string, string> = {
  none: 'Không thu phí, lệ phí',
  at_submission: 'Nộp phí, lệ phí khi nộp hồ sơ',
  before_processing: 'Nộp phí, lệ phí trước khi giải quyết',
  at_result: 'Nộp phí, lệ phí khi nhận kết quả',
};

export const FEE_STATUS_LABEL: Record<string, string> = {
  unpaid: 'Chưa nộp',
  paid: 'Đã nộp',
};

/** Lower case without diacritics: "Nguyễn Văn Đức" and "nguyen van duc" compare equal. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

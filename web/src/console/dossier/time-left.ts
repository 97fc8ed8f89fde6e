import { dateTimeVn, inVietnam } from '../../shared/format';

/** "04:40 05/12/2026": a time in Việt Nam as the tables show it, on one line. */
export const shortVn = (iso: string | null | undefined) => (iso ? inVietnam(iso).format('HH:mm DD/MM/YYYY') : '—');

/** What of the deadline explanation (detail-api.ts DeadlineExplanation) the time left is read from. */
export interface DeadlineStanding {
  receivedAt: string | null;
  state?: string;
  limit?: { unit: string; value?: number };
  limitMinutes?: number;
  remainingMinutes?: number;
  pausedSince?: string | null;
  overdueBy?: { workingMinutes: number } | null;
  outcome?: { endedAt: string; result: 'early' | 'on_time' | 'late' } | null;
}

/** A working day of the state calendar (07:30–11:30, 13:00–17:00) when the answer does not say. */
const DEFAULT_DAY_MINUTES = 8 * 60;

/** 1500 working minutes (8-hour days) → "3 ngày 1 giờ"; under an hour, in minutes. */
export function workingTimeWords(minutes: number, dayMinutes = DEFAULT_DAY_MINUTES): string {
  const m = Math.max(0, Math.round(minutes));
  const days = Math.floor(m / dayMinutes);
  const hours = Math.floor((m % dayMinutes) / 60);
  const mins = m % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} ngày`);
  if (hours) parts.push(`${hours} giờ`);
  if (!days && !hours) parts.push(`${mins} phút`);
  return `${parts.join(' ')} làm việc`;
}

/** Where the dossier stands against its due date: a colour and the same said in words. */
export interface TimeLeft {
  color: string;
  words: string;
  /** A second line: since when it is paused, when it ended. */
  detail?: string;
}

const RESULT_WORDS = { early: 'Hoàn thành trước hạn', on_time: 'Hoàn thành đúng hạn', late: 'Hoàn thành quá hạn' } as const;

/** The time left of a dossier from the API's deadline explanation (its `state`, `remainingMinutes`, `overdueBy`, `outcome`). */
export function timeLeft(d: DeadlineStanding): TimeLeft {
  const dayMinutes = d.limit?.unit === 'working_days' && d.limit.value && d.limitMinutes ? d.limitMinutes / d.limit.value : DEFAULT_DAY_MINUTES;
  const over = d.overdueBy?.workingMinutes ?? 0;
  switch (d.state) {
    case 'stopped': {
      const result = d.outcome?.result ?? 'on_time';
      const words = result === 'late' && over > 0 ? `Hoàn thành quá hạn ${workingTimeWords(over, dayMinutes)}` : RESULT_WORDS[result];
      return { color: result === 'late' ? 'red' : result === 'early' ? 'teal' : 'blue', words, detail: d.outcome ? `Kết thúc xử lý lúc ${dateTimeVn(d.outcome.endedAt)}` : undefined };
    }
    case 'paused':
      return { color: 'gray', words: 'Tạm dừng tính thời gian', detail: d.pausedSince ? `Từ ${dateTimeVn(d.pausedSince)}` : undefined };
    case 'overdue':
      return { color: 'red', words: over > 0 ? `Quá hạn ${workingTimeWords(over, dayMinutes)}` : 'Đã đến hạn giải quyết' };
    case 'at_risk':
      return { color: 'orange', words: `Sắp đến hạn: còn ${workingTimeWords(d.remainingMinutes ?? 0, dayMinutes)}` };
    case 'running':
      return { color: 'teal', words: `Còn ${workingTimeWords(d.remainingMinutes ?? 0, dayMinutes)}` };
    case 'awaiting_fee':
      return { color: 'gray', words: 'Chưa tính thời gian: chờ nộp phí, lệ phí' };
    default:
      return d.receivedAt ? { color: 'gray', words: 'Giữ nguyên ngày hẹn đã in' } : { color: 'gray', words: 'Chưa tiếp nhận: thời hạn chưa bắt đầu' };
  }
}

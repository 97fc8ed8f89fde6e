import { TextInput } from '@mantine/core';
import { DateInput, type DateInputProps } from '@mantine/dates';
import dayjs from 'dayjs';
import { VN_TZ } from '../../shared/format';
import classes from './fields.module.css';

/** Today's date in Việt Nam (YYYY-MM-DD), whatever the browser's zone. */
export const todayVn = (): string => dayjs().tz(VN_TZ).format('YYYY-MM-DD');

/** "05/12/2026" or "5/12/2026" as typed by an officer → "2026-12-05"; null when it is no date. */
export function parseVnDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const d = dayjs(iso);
  return d.isValid() && d.format('YYYY-MM-DD') === iso ? iso : null;
}

/** The instant of a local date and time in Việt Nam (UTC+7, no daylight saving), ISO with its offset. */
export const vnInstant = (date: string, time: string): string => `${date}T${time}:00+07:00`;

/** Whether a local date and time lies before the current minute (a visit in the current minute is taking place now). */
export function isPastVn(date: string, time: string): boolean {
  const at = Date.parse(vnInstant(date, time));
  return at < Math.floor(Date.now() / 60_000) * 60_000;
}

/**
 * A calendar date in Vietnamese: typed as dd/mm/yyyy or picked in the calendar (Vietnamese
 * month and day names from the DatesProvider), the value a YYYY-MM-DD string.
 */
export function VnDateInput(props: Omit<DateInputProps, 'valueFormat' | 'dateParser'>) {
  return (
    <DateInput
      valueFormat="DD/MM/YYYY"
      dateParser={parseVnDate}
      placeholder="dd/mm/yyyy"
      previousLabel="Tháng trước"
      nextLabel="Tháng sau"
      classNames={{ day: classes.day }}
      popoverProps={{ withinPortal: true }}
      {...props}
    />
  );
}

/** "9:5", "0930", "9h30" → "09:05", "09:30"; anything else is left as typed (the form says what is wrong). */
export function normaliseTime(text: string): string {
  const m = /^\s*(\d{1,2})\s*[:hg.]?\s*(\d{2})?\s*$/i.exec(text);
  if (!m) return text;
  const h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  return h <= 23 && min <= 59 ? `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` : text;
}

/**
 * A time of day, 24-hour "HH:MM", as Vietnamese offices write it (a browser's own time field
 * may show AM/PM); typed as 0930, 9:30 or 9h30, written back as 09:30 when the field is left.
 */
export function VnTimeInput(props: { label: string; value: string; onChange(v: string): void; error?: string; description?: string; required?: boolean; 'data-testid'?: string }) {
  const { onChange, value, ...rest } = props;
  return (
    <TextInput
      {...rest}
      value={value}
      placeholder="HH:MM"
      inputMode="numeric"
      autoComplete="off"
      maxLength={5}
      onChange={(e) => onChange(e.currentTarget.value)}
      onBlur={() => onChange(normaliseTime(value))}
    />
  );
}

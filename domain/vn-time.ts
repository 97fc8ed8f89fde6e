import { toOffsetIso } from './calendar';

/** Timestamps leave the API in Việt Nam time with an explicit offset, as printed on the forms. */
export function vnTime(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return toOffsetIso(value instanceof Date ? value : new Date(value));
}

export function vnLocalDate(instant: Date): string {
  return toOffsetIso(instant).slice(0, 10);
}

/** The instant in Việt Nam local time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving), ISO with its offset. */
function local(value: Date | string): string {
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a time: ${String(value)}`);
  return toOffsetIso(instant);
}

/**
 * A date as Vietnamese administrative documents write it (Nghị định 30/2020/NĐ-CP, Phụ lục I):
 * "ngày 03 tháng 12 năm 2026", day and month on two digits, in Việt Nam time.
 */
export function vnDocumentDate(value: Date | string): string {
  const l = local(value);
  return `ngày ${l.slice(8, 10)} tháng ${l.slice(5, 7)} năm ${l.slice(0, 4)}`;
}

/** A time of day as the forms write it: "17 giờ 00 phút", in Việt Nam time. */
export function vnDocumentTime(value: Date | string): string {
  const l = local(value);
  return `${l.slice(11, 13)} giờ ${l.slice(14, 16)} phút`;
}

/** A moment as Form 01 prints it: "10 giờ 00 phút, ngày 27 tháng 02 năm 2026". */
export function vnDocumentDateTime(value: Date | string): string {
  return `${vnDocumentTime(value)}, ${vnDocumentDate(value)}`;
}

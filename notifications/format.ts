/**
 * How values read in a message to a Vietnamese citizen or officer: times in Việt Nam time
 * (UTC+7 all year, no daylight saving), amounts in đồng with dot separators, and the
 * unaccented form SMS uses.
 */

const VN_OFFSET_MS = 7 * 3_600_000;

function vnParts(value: Date | string): { date: string; time: string } | null {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms + VN_OFFSET_MS).toISOString();
  return { date: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`, time: iso.slice(11, 16) };
}

/** "08:30 ngày 27/11/2026" — the way a receipt (Form 01) prints an appointment. */
export function vnDateTime(value: Date | string | null | undefined): string | null {
  if (!value) return null;
  const p = vnParts(value);
  return p ? `${p.time} ngày ${p.date}` : null;
}

/** "08:30 27/11/2026": short form for SMS and Zalo parameters. */
export function vnShortDateTime(value: Date | string | null | undefined): string | null {
  if (!value) return null;
  const p = vnParts(value);
  return p ? `${p.time} ${p.date}` : null;
}

/** A calendar date given as YYYY-MM-DD (a site visit's day) as 27/11/2026. */
export function vnLocalDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/** 50000 → "50.000 đồng". */
export function vnd(amount: number): string {
  return `${Math.round(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;
}

/**
 * Vietnamese without diacritics ("Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan"):
 * GSM-7 text costs one segment per 160 characters and every handset shows it.
 */
export function unaccent(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[–—]/g, '-')
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/…/g, '...');
}

/** Cuts a text to `max` characters with an ellipsis, for length-limited fields. */
export function clip(text: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - ellipsis.length)).join('')}${ellipsis}`;
}

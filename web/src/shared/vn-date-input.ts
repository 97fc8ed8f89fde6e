/**
 * Dates typed as Vietnamese write them: "18/12/2026" (also 18-12-2026, 18.12.2026) read as the
 * calendar day 2026-12-18, for Mantine's DateInput `dateParser` (with valueFormat DD/MM/YYYY);
 * anything else, including a day that does not exist, is no date.
 */
export function parseVnDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** "2026-12-18" as "18/12/2026". */
export const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

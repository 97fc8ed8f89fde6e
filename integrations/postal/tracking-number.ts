/**
 * UPU S10 item identifiers, the format of Vietnam Post tracking numbers (e.g. EB123456785VN):
 * two service letters, an 8-digit serial, a check digit, the ISO country code.
 */

const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

export const VN_TRACKING_NUMBER = /^[A-Z]{2}\d{9}VN$/;

/** S10 check digit of an 8-digit serial: mod 11 with weights 8 6 4 2 3 5 9 7; 10 → 0, 11 → 5. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError(`S10 serial must be 8 digits, got "${serial}"`);
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(serial[i]) * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

export function formatS10(serviceIndicator: string, serial: string, country = 'VN'): string {
  if (!/^[A-Z]{2}$/.test(serviceIndicator)) throw new RangeError(`S10 service indicator must be two capital letters, got "${serviceIndicator}"`);
  if (!/^[A-Z]{2}$/.test(country)) throw new RangeError(`S10 country must be two capital letters, got "${country}"`);
  return `${serviceIndicator}${serial}${s10CheckDigit(serial)}${country}`;
}

/** Any S10 identifier (any country) whose check digit matches its serial. */
export function isValidS10(id: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(id);
  return !!m && s10CheckDigit(m[1]!) === Number(m[2]);
}

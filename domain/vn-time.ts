import { toOffsetIso } from './calendar';

/** Timestamps leave the API in Việt Nam time with an explicit offset, as printed on the forms. */
export function vnTime(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return toOffsetIso(value instanceof Date ? value : new Date(value));
}

export function vnLocalDate(instant: Date): string {
  return toOffsetIso(instant).slice(0, 10);
}

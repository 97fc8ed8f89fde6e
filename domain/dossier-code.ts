/**
 * Dossier code (mã số hồ sơ), TT 03/2025 art. 13 / docs/domain.md §4:
 * `<agency e-ID>-<YYMMDD of receipt>-<daily sequence, at least 4 digits>`.
 * The agency e-ID follows QĐ 20/2020/QĐ-TTg in either the older style
 * (`000.00.01.H29`, province last) or the newer one (`H15.50.05.13`).
 */
const AGENCY_EID = /^[A-Z0-9]{2,4}(\.[A-Z0-9]{2,4}){1,4}$/;
const DOSSIER_CODE = /^([A-Z0-9]{2,4}(?:\.[A-Z0-9]{2,4}){1,4})-(\d{6})-(\d{4,})$/;

export function isAgencyEid(value: string): boolean {
  return AGENCY_EID.test(value);
}

/** YYMMDD of a local (UTC+7) calendar date given as YYYY-MM-DD. */
export function yymmdd(localDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${localDate}`);
  return `${m[1]!.slice(2)}${m[2]}${m[3]}`;
}

export function formatDossierCode(agencyEid: string, localDate: string, sequence: number): string {
  if (!isAgencyEid(agencyEid)) throw new RangeError(`not an agency electronic ID: ${agencyEid}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`bad daily sequence: ${sequence}`);
  return `${agencyEid}-${yymmdd(localDate)}-${String(sequence).padStart(4, '0')}`;
}

export interface ParsedDossierCode {
  agencyEid: string;
  yymmdd: string;
  sequence: number;
}

export function parseDossierCode(code: string): ParsedDossierCode | null {
  const m = DOSSIER_CODE.exec(code);
  if (!m) return null;
  return { agencyEid: m[1]!, yymmdd: m[2]!, sequence: Number(m[3]) };
}

/** Temporal workflow ID for a dossier; one workflow per dossier code, never reused. */
export function dossierWorkflowId(code: string): string {
  return `dossier-${code}`;
}

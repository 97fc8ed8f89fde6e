/**
 * A legal form as structured data, laid out as the circulars lay it out (Nghị định 30/2020/NĐ-CP,
 * Phụ lục I; the forms of Thông tư 01/2018/TT-VPCP and 03/2025/TT-VPCP): the issuing agency
 * top-left (its parent above it), the national motto top-right, the number under the agency,
 * place and date under the motto, the title, the body, and the signature blocks. One HTML
 * renderer (forms/html.ts) and one PDF renderer (forms/pdf.ts) print every form from this.
 */

/** A piece of text in a paragraph: plain, or bold / italic. */
export type Run = string | { text: string; bold?: boolean; italic?: boolean };

export type Block =
  /** A paragraph; `label` runs before a colon ("Mã hồ sơ: …") are the common case. */
  | { kind: 'paragraph'; runs: Run[]; align?: 'left' | 'center' | 'justify'; italic?: boolean }
  /** A numbered (or bulleted) list. */
  | { kind: 'list'; items: Run[][]; ordered: boolean }
  /** A table with a header row; widths are relative; a cell's line breaks ("\n") are kept. */
  | { kind: 'table'; columns: Array<{ title: string; width: number; align?: 'left' | 'center' | 'right' }>; rows: string[][] }
  /** A section heading inside the body. */
  | { kind: 'heading'; text: string };

export interface Signature {
  /** "NGƯỜI TIẾP NHẬN", "CHỦ TỊCH", "NGƯỜI THU TIỀN". */
  title: string;
  /** "(Ký và ghi rõ họ tên)", "(Ký số)". */
  note?: string;
  /** The signer's name, printed under the space for the signature. */
  name?: string | null;
}

export interface FormDocument {
  /** The form this is (route id): receipt, supplement-request, … */
  form: string;
  /** "Mẫu số 01" — printed top-right above the motto; null for documents that are not numbered forms. */
  formNumber: string | null;
  /** The issuing agency, top-left: its parent (upper line, regular) and itself (bold). */
  agency: { parent: string | null; name: string };
  /** "Số: 0012/2026/TBD-…" under the agency; null when the form has no number. */
  number: string | null;
  /** Place and date under the motto: "Thành phố Hồ Chí Minh, ngày 03 tháng 12 năm 2026". */
  placeAndDate: string;
  /** The title, in capitals as printed, and an optional line under it (italic). */
  title: string;
  subtitle?: string | null;
  blocks: Block[];
  /** Signature blocks side by side: left (e.g. the applicant) and right (the officer). */
  signatures: { left?: Signature; right?: Signature };
  /** A QR code and its caption (Form 01: the public lookup of the dossier). */
  qr?: { url: string; caption: string } | null;
  /** Small print at the bottom ("Bản điện tử có giá trị như bản giấy …"). */
  footnotes?: string[];
  /** The name to save it under, without extension. */
  fileName: string;
  /** For the PDF's metadata. */
  subject?: string;
}

export const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const NATIONAL_MOTTO = 'Độc lập - Tự do - Hạnh phúc';

export const runText = (r: Run): string => (typeof r === 'string' ? r : r.text);
export const bold = (text: string): Run => ({ text, bold: true });
export const italic = (text: string): Run => ({ text, italic: true });

/** "Label: value" with the value in bold: the common line of a form. */
export function field(label: string, value: string | null | undefined, opts: { bold?: boolean } = {}): Block {
  const v = value ?? '';
  return { kind: 'paragraph', runs: [`${label}: `, opts.bold === false ? v : bold(v)] };
}

export const paragraph = (...runs: Run[]): Block => ({ kind: 'paragraph', runs });

/**
 * The file types a one-stop centre accepts (scans, photos, forms filled in on a computer),
 * recognised from their bytes. Anything else, executables, HTML and SVG included, is refused:
 * an officer's browser must never be handed something it could run.
 */
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ACCEPTED_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff', DOCX, XLSX] as const;
export type AcceptedMediaType = (typeof ACCEPTED_MEDIA_TYPES)[number];

/** Extensions a file of each type may carry; the first is added to a name that has none. */
export const EXTENSIONS: Record<AcceptedMediaType, readonly string[]> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg', '.jpe', '.jfif'],
  'image/png': ['.png'],
  'image/tiff': ['.tif', '.tiff'],
  [DOCX]: ['.docx'],
  [XLSX]: ['.xlsx'],
};

/** Names citizens read in refusals. */
export const TYPE_LABELS: Record<AcceptedMediaType, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'ảnh JPEG',
  'image/png': 'ảnh PNG',
  'image/tiff': 'ảnh quét TIFF',
  [DOCX]: 'văn bản Word (.docx)',
  [XLSX]: 'bảng tính Excel (.xlsx)',
};

export const ACCEPTED_LIST_VI = 'PDF, JPEG, PNG, TIFF, Word (.docx), Excel (.xlsx)';

const ALL_EXTENSIONS = new Set(Object.values(EXTENSIONS).flat());

/**
 * The lower-case extension of a file name, '' when none. Only letters-first suffixes count,
 * so the date in "Biên bản 12.5.2026" is part of the name, not an extension.
 */
export function extensionOf(filename: string): string {
  const m = /.\.([a-z][a-z0-9]{0,7})$/i.exec(filename);
  return m ? `.${m[1]!.toLowerCase()}` : '';
}

/** True when the name has no extension or one that some accepted type carries. */
export function isAcceptableExtension(ext: string): boolean {
  return ext === '' || ALL_EXTENSIONS.has(ext);
}

/** True when the extension (if any) fits the type detected from the bytes. */
export function extensionFits(ext: string, type: AcceptedMediaType): boolean {
  return ext === '' || EXTENSIONS[type].includes(ext);
}

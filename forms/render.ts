import { createHash } from 'node:crypto';
import { renderHtml } from './html';
import type { FormDocument } from './model';
import { renderPdf } from './pdf';
import { qrSvg } from './qr';

export type FormFormat = 'html' | 'pdf';

export interface RenderedForm {
  body: Buffer;
  contentType: string;
  /** The name to save it under, with its extension. */
  fileName: string;
  /** SHA-256 of the body, base64 (the Repr-Digest header). */
  digest: string;
}

/** A form as the bytes served: HTML (with the QR code as inline SVG) or PDF. */
export async function renderForm(doc: FormDocument, format: FormFormat): Promise<RenderedForm> {
  const body = format === 'pdf' ? await renderPdf(doc) : Buffer.from(renderHtml(doc, doc.qr ? await qrSvg(doc.qr.url) : null), 'utf8');
  return {
    body,
    contentType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
    fileName: `${doc.fileName}.${format}`,
    digest: createHash('sha256').update(body).digest('base64'),
  };
}

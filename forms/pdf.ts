import PDFDocument from 'pdfkit';
import { NATIONAL_MOTTO, NATIONAL_NAME, type Block, type FormDocument, type Run, type Signature } from './model';
import { qrMatrix } from './qr';

/**
 * The one PDF renderer of the forms, by pdfkit: A4 portrait, margins of Nghị định 30/2020/NĐ-CP
 * (top and bottom 20 mm, left 30 mm, right 15 mm), the agency and the national motto side by
 * side, 13 pt body text, in Noto Serif (the `@expo-google-fonts/noto-serif` package: TrueType
 * files with every Vietnamese letter), embedded as a subset so the text extracts as written.
 */
const FONTS = {
  regular: require.resolve('@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf'),
  italic: require.resolve('@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf'),
  boldItalic: require.resolve('@expo-google-fonts/noto-serif/700Bold_Italic/NotoSerif_700Bold_Italic.ttf'),
};

const MM = 72 / 25.4;
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const BODY = 13;
const SMALL = 11;

type Doc = PDFKit.PDFDocument;

function fontOf(r: { bold?: boolean; italic?: boolean }): string {
  if (r.bold && r.italic) return 'boldItalic';
  if (r.bold) return 'bold';
  if (r.italic) return 'italic';
  return 'regular';
}

/** Runs as one flowing paragraph (pdfkit's `continued` text). */
function writeRuns(doc: Doc, runs: Run[], opts: { x: number; width: number; align?: 'left' | 'center' | 'justify' | 'right'; italic?: boolean; size?: number; indent?: number }): void {
  let parts = runs.map((r) => (typeof r === 'string' ? { text: r } : r)).filter((r) => r.text.length > 0);
  // pdfkit drops the spaces between the runs of a centred line (the text extracts as "Ông/BàNguyễn"): one run, bold if any part is.
  if (opts.align === 'center' && parts.length > 1) parts = [{ text: parts.map((p) => p.text).join(''), bold: parts.some((p) => p.bold), italic: parts.every((p) => p.italic) }];
  if (!parts.length) parts.push({ text: ' ' });
  doc.fontSize(opts.size ?? BODY);
  parts.forEach((r, i) => {
    doc.font(fontOf({ bold: r.bold, italic: r.italic || opts.italic }));
    const last = i === parts.length - 1;
    if (i === 0) doc.text(r.text, opts.x, doc.y, { width: opts.width, align: opts.align ?? 'left', continued: !last, indent: opts.indent ?? 0, lineGap: 1 });
    else doc.text(r.text, { continued: !last });
  });
}

/** Room for `height` more points on this page, or a new page. */
function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGINS.bottom) doc.addPage();
}

/** The largest size from `max` down to `min` at which `text` fits on one line of `width` (else `min`, and it wraps). */
function fitSize(doc: Doc, text: string, font: string, width: number, max: number, min: number): number {
  doc.font(font);
  for (let size = max; size > min; size -= 0.5) if (doc.fontSize(size).widthOfString(text) <= width) return size;
  return min;
}

function header(doc: Doc, form: FormDocument): void {
  const left = MARGINS.left;
  const content = doc.page.width - MARGINS.left - MARGINS.right;
  const gutter = 12;
  const leftWidth = content * 0.45 - gutter / 2;
  const rightX = left + leftWidth + gutter;
  const rightWidth = content - leftWidth - gutter;
  const top = MARGINS.top;

  // Top-left: the parent agency, the issuing agency in bold, a short rule, the number.
  doc.y = top;
  if (form.agency.parent) {
    const parent = form.agency.parent.toLocaleUpperCase('vi');
    doc.font('regular').fontSize(fitSize(doc, parent, 'regular', leftWidth, 12, 10.5)).text(parent, left, doc.y, { width: leftWidth, align: 'center' });
  }
  const name = form.agency.name.toLocaleUpperCase('vi');
  doc.font('bold').fontSize(fitSize(doc, name, 'bold', leftWidth, 12, 10.5)).text(name, left, doc.y, { width: leftWidth, align: 'center' });
  const ruleY = doc.y + 4;
  doc.moveTo(left + leftWidth / 2 - 30, ruleY).lineTo(left + leftWidth / 2 + 30, ruleY).lineWidth(0.7).stroke();
  doc.y = ruleY + 6;
  if (form.number) doc.font('regular').fontSize(BODY).text(`Số: ${form.number}`, left, doc.y, { width: leftWidth, align: 'center' });
  const leftBottom = doc.y;

  // Top-right: the form's number, the name of the State, the motto underlined, place and date.
  doc.y = top;
  if (form.formNumber) {
    doc.font('italic').fontSize(10).text(form.formNumber, rightX, top - 14, { width: rightWidth, align: 'right' });
    doc.y = top;
  }
  doc.font('bold').fontSize(fitSize(doc, NATIONAL_NAME, 'bold', rightWidth, 12, 10)).text(NATIONAL_NAME, rightX, doc.y, { width: rightWidth, align: 'center' });
  doc.font('bold').fontSize(BODY).text(NATIONAL_MOTTO, rightX, doc.y, { width: rightWidth, align: 'center' });
  const mottoWidth = doc.widthOfString(NATIONAL_MOTTO);
  const mottoRule = doc.y + 3;
  doc.moveTo(rightX + (rightWidth - mottoWidth) / 2, mottoRule).lineTo(rightX + (rightWidth + mottoWidth) / 2, mottoRule).lineWidth(0.7).stroke();
  doc.y = mottoRule + 8;
  doc.font('italic').fontSize(fitSize(doc, form.placeAndDate, 'italic', rightWidth, BODY, 11)).text(form.placeAndDate, rightX, doc.y, { width: rightWidth, align: 'center' });
  const rightBottom = doc.y;

  doc.y = Math.max(leftBottom, rightBottom) + 16;
  doc.font('bold').fontSize(14).text(form.title, left, doc.y, { width: content, align: 'center' });
  if (form.subtitle) doc.font('italic').fontSize(BODY).text(form.subtitle, left, doc.y, { width: content, align: 'center' });
  doc.y += 8;
}

function table(doc: Doc, b: Extract<Block, { kind: 'table' }>): void {
  const x0 = MARGINS.left;
  const content = doc.page.width - MARGINS.left - MARGINS.right;
  const total = b.columns.reduce((s, c) => s + c.width, 0);
  const widths = b.columns.map((c) => (content * c.width) / total);
  const pad = 3;
  const size = 10.5;
  const drawRow = (cells: string[], font: string) => {
    doc.font(font).fontSize(size);
    const heights = cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }));
    const h = Math.max(...heights) + 2 * pad;
    ensureRoom(doc, h);
    const y = doc.y;
    let x = x0;
    cells.forEach((c, i) => {
      doc.rect(x, y, widths[i]!, h).lineWidth(0.5).stroke();
      doc.font(font).fontSize(size).text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: font === 'bold' ? 'center' : (b.columns[i]?.align ?? 'left') });
      x += widths[i]!;
    });
    doc.y = y + h;
  };
  drawRow(b.columns.map((c) => c.title), 'bold');
  for (const row of b.rows) drawRow(row, 'regular');
  doc.x = x0;
  doc.y += 6;
}

function blockOut(doc: Doc, b: Block): void {
  const x = MARGINS.left;
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  switch (b.kind) {
    case 'heading':
      ensureRoom(doc, 40);
      doc.y += 4;
      doc.font('bold').fontSize(BODY).text(b.text, x, doc.y, { width });
      doc.y += 2;
      return;
    case 'paragraph':
      ensureRoom(doc, 20);
      writeRuns(doc, b.runs, { x, width, align: b.align, italic: b.italic });
      doc.y += 2;
      return;
    case 'list':
      b.items.forEach((item, i) => {
        ensureRoom(doc, 20);
        const marker = b.ordered ? `${i + 1}. ` : '- ';
        doc.font('regular').fontSize(BODY);
        const markerWidth = 22;
        const y = doc.y;
        doc.text(marker, x + 10, y, { width: markerWidth, lineBreak: false });
        doc.y = y;
        writeRuns(doc, item, { x: x + 10 + markerWidth, width: width - 10 - markerWidth, align: 'left' });
        doc.y += 2;
      });
      doc.y += 3;
      return;
    case 'table':
      table(doc, b);
      return;
  }
}

function qrBlock(doc: Doc, qr: NonNullable<FormDocument['qr']>): void {
  const matrix = qrMatrix(qr.url);
  const side = 78;
  ensureRoom(doc, side + 10);
  const x0 = MARGINS.left;
  const y0 = doc.y + 4;
  const cell = side / (matrix.size + 2);
  for (let r = 0; r < matrix.size; r++) {
    for (let c = 0; c < matrix.size; c++) if (matrix.dark(r, c)) doc.rect(x0 + (c + 1) * cell, y0 + (r + 1) * cell, cell, cell);
  }
  doc.fillColor('black').fill();
  const textX = x0 + side + 10;
  const textWidth = doc.page.width - MARGINS.right - textX;
  doc.font('italic').fontSize(SMALL).text(qr.caption, textX, y0 + 14, { width: textWidth });
  doc.font('regular').fontSize(8.5).text(qr.url, textX, doc.y + 2, { width: textWidth });
  doc.x = x0;
  doc.y = y0 + side + 6;
}

function signatures(doc: Doc, s: FormDocument['signatures']): void {
  if (!s.left && !s.right) return;
  ensureRoom(doc, 105);
  doc.y += 6;
  const content = doc.page.width - MARGINS.left - MARGINS.right;
  const half = content / 2;
  const top = doc.y;
  let bottom = top;
  const one = (sig: Signature | undefined, x: number) => {
    if (!sig) return;
    doc.font('bold').fontSize(BODY).text(sig.title, x, top, { width: half, align: 'center' });
    if (sig.note) doc.font('italic').fontSize(BODY).text(sig.note, x, doc.y, { width: half, align: 'center' });
    doc.y += 50;
    if (sig.name) doc.font('bold').fontSize(BODY).text(sig.name, x, doc.y, { width: half, align: 'center' });
    bottom = Math.max(bottom, doc.y);
  };
  one(s.left, MARGINS.left);
  one(s.right, MARGINS.left + half);
  doc.x = MARGINS.left;
  doc.y = bottom + 10;
}

/** The form as a PDF document (A4, fonts embedded). */
export function renderPdf(form: FormDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    info: { Title: form.title, Subject: form.subject ?? form.title, Author: form.agency.name, Creator: 'Hệ thống thông tin giải quyết thủ tục hành chính' },
    lang: 'vi-VN',
    displayTitle: true,
    // A fixed creation date would make byte-identical copies; the form's own date is printed on it.
  } as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('italic', FONTS.italic);
  doc.registerFont('boldItalic', FONTS.boldItalic);
  header(doc, form);
  for (const b of form.blocks) blockOut(doc, b);
  if (form.qr) qrBlock(doc, form.qr);
  signatures(doc, form.signatures);
  for (const f of form.footnotes ?? []) {
    ensureRoom(doc, 16);
    doc.font('italic').fontSize(9.5).text(f, MARGINS.left, doc.y, { width: doc.page.width - MARGINS.left - MARGINS.right });
  }
  doc.end();
  return done;
}

import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../forms/html';
import type { FormDocument } from '../../forms/model';
import { renderForm } from '../../forms/render';

/**
 * The two renderers of forms/ (issue 16 item 12): the PDF embeds a font with every Vietnamese
 * letter — every one of them, in both cases and with every tone, extracts back from the PDF as
 * written — on an A4 page; the HTML page escapes what people typed and loads nothing.
 */
const VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']; // ngang, huyền, sắc, hỏi, ngã, nặng
const CONSONANTS = ['b', 'c', 'd', 'đ', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'q', 'r', 's', 't', 'v', 'x'];
const lower = [...VOWELS.flatMap((v) => TONES.map((t) => (v + t).normalize('NFC'))), ...CONSONANTS];
const LETTERS = [...lower, ...lower.map((l) => l.toLocaleUpperCase('vi'))];

function form(blocks: FormDocument['blocks'], extra: Partial<FormDocument> = {}): FormDocument {
  return {
    form: 'test',
    formNumber: 'Mẫu số 01',
    agency: { parent: 'Ủy ban nhân dân Phường Sài Gòn', name: 'Bộ phận Một cửa' },
    number: null,
    placeAndDate: 'TP. Hồ Chí Minh, ngày 03 tháng 12 năm 2026',
    title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
    blocks,
    signatures: { right: { title: 'NGƯỜI TIẾP NHẬN', note: '(Ký và ghi rõ họ tên)', name: 'Trần Thị Mai' } },
    fileName: 'test',
    ...extra,
  };
}

async function extract(pdf: Buffer): Promise<{ text: string; view: number[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((i: any) => `${i.str}${i.hasEOL ? '\n' : ''}`).join('').normalize('NFC');
  const view = page.view.map((v: number) => Math.round(v * 100) / 100);
  await doc.destroy();
  return { text, view };
}

describe('forms/ renderers', () => {
  it(`the PDF has every Vietnamese letter (${LETTERS.length}), each extracted back as written, regular and bold, on A4`, async () => {
    expect(LETTERS).toHaveLength(2 * (12 * 6 + 17));
    // Each letter is one precomposed code point, and each face of the font draws it (no .notdef box).
    const fontkit = require('fontkit');
    for (const face of ['400Regular/NotoSerif_400Regular.ttf', '700Bold/NotoSerif_700Bold.ttf', '400Regular_Italic/NotoSerif_400Regular_Italic.ttf', '700Bold_Italic/NotoSerif_700Bold_Italic.ttf']) {
      const font = fontkit.openSync(require.resolve(`@expo-google-fonts/noto-serif/${face}`));
      expect([face, LETTERS.filter((l) => [...l].length !== 1 || !font.hasGlyphForCodePoint(l.codePointAt(0)))]).toEqual([face, []]);
    }
    const line = LETTERS.join(' ');
    const { body, contentType } = await renderForm(form([{ kind: 'paragraph', runs: [line] }, { kind: 'paragraph', runs: [{ text: line, bold: true }] }]), 'pdf');
    expect(contentType).toBe('application/pdf');
    const { text, view } = await extract(body);
    expect(view).toEqual([0, 0, 595.28, 841.89]);
    const words = text.replace(/\s+/g, ' ').split(' ');
    // Both paragraphs, letter by letter.
    const first = words.indexOf(LETTERS[0]!);
    expect(words.slice(first, first + LETTERS.length)).toEqual(LETTERS);
    const second = words.indexOf(LETTERS[0]!, first + LETTERS.length);
    expect(words.slice(second, second + LETTERS.length)).toEqual(LETTERS);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    // The font travels in the file (TrueType subset), no standard font is merely named.
    const raw = body.toString('latin1');
    expect(raw).toMatch(/\/FontFile2/);
    expect(raw).not.toMatch(/\/BaseFont\s*\/(Helvetica|Times-Roman|Courier)\b/);
  });

  it('HTML: what people typed is escaped; the page has no script, style or image; the QR code is inline SVG', async () => {
    const doc = form([{ kind: 'paragraph', runs: ['Người nộp: ', { text: '<script>alert(1)</script> "Ánh"', bold: true }] }], {
      qr: { url: 'http://127.0.0.1:3000/api/v1/status/000.20.20.H29-261203-0001?check=6789', caption: 'Quét mã QR để tra cứu' },
    });
    const { body, contentType } = await renderForm(doc, 'html');
    const html = body.toString('utf8');
    expect(contentType).toBe('text/html; charset=utf-8');
    expect(html).toContain('Người nộp: <strong>&lt;script&gt;alert(1)&lt;/script&gt; &quot;Ánh&quot;</strong>');
    expect(html).not.toMatch(/<script|<link|<img|<style|style=/i);
    expect(html).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(html).toContain('<strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập - Tự do - Hạnh phúc</strong>');
    expect(renderHtml(doc, null)).not.toContain('<svg');
  });
});

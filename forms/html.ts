import { NATIONAL_MOTTO, NATIONAL_NAME, type Block, type FormDocument, type Run, type Signature } from './model';

/**
 * The one HTML renderer of the forms. The pages are served under a policy that loads nothing
 * and runs nothing (api/security-headers.ts documentPagePolicy): no script, style sheet, inline
 * style or image — the layout is plain HTML tables and attributes, and the QR code inline SVG.
 */
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function run(r: Run): string {
  if (typeof r === 'string') return esc(r);
  let html = esc(r.text);
  if (r.italic) html = `<em>${html}</em>`;
  if (r.bold) html = `<strong>${html}</strong>`;
  return html;
}

const runs = (rs: Run[]) => rs.map(run).join('');

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h2>${esc(b.text)}</h2>`;
    case 'paragraph': {
      const inner = b.italic ? `<em>${runs(b.runs)}</em>` : runs(b.runs);
      return b.align && b.align !== 'left' ? `<p align="${b.align}">${inner}</p>` : `<p>${inner}</p>`;
    }
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((i) => `<li>${runs(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table': {
      const total = b.columns.reduce((s, c) => s + c.width, 0);
      const head = b.columns.map((c) => `<th width="${Math.round((100 * c.width) / total)}%">${esc(c.title)}</th>`).join('');
      const cell = (text: string, i: number) => `<td valign="top"${b.columns[i]?.align && b.columns[i]!.align !== 'left' ? ` align="${b.columns[i]!.align}"` : ''}>${esc(text).replace(/\n/g, '<br>')}</td>`;
      const body = b.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n');
      return `<table border="1" cellpadding="4" cellspacing="0" width="100%"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    }
  }
}

function signature(s: Signature | undefined): string {
  if (!s) return '<td width="50%"></td>';
  return `<td width="50%" align="center" valign="top"><strong>${esc(s.title)}</strong>${s.note ? `<br><em>${esc(s.note)}</em>` : ''}<br><br><br><br>${s.name ? `<strong>${esc(s.name)}</strong>` : ''}</td>`;
}

/** The form as an HTML page; `qrSvg` is the QR code drawn as inline SVG (forms/qr.ts). */
export function renderHtml(doc: FormDocument, qrSvg?: string | null): string {
  const sentenceTitle = doc.title.charAt(0) + doc.title.slice(1).toLocaleLowerCase('vi');
  const header = `<table width="100%" cellspacing="0" cellpadding="0"><tr>
<td width="45%" align="center" valign="top">${doc.agency.parent ? `${esc(doc.agency.parent.toLocaleUpperCase('vi'))}<br>` : ''}<strong>${esc(doc.agency.name.toLocaleUpperCase('vi'))}</strong><br>———${doc.number ? `<br>Số: ${esc(doc.number)}` : ''}</td>
<td width="55%" align="center" valign="top">${doc.formNumber ? `<small>${esc(doc.formNumber)}</small><br>` : ''}<strong>${NATIONAL_NAME}</strong><br><strong>${NATIONAL_MOTTO}</strong><br>———<br><em>${esc(doc.placeAndDate)}</em></td>
</tr></table>`;
  const qr = doc.qr && qrSvg ? `<table><tr><td valign="middle">${qrSvg}</td><td valign="middle"><em>${esc(doc.qr.caption)}</em><br><small>${esc(doc.qr.url)}</small></td></tr></table>` : '';
  const hasSignatures = doc.signatures.left || doc.signatures.right;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(sentenceTitle)}${doc.number ? ` số ${esc(doc.number)}` : ''}</title></head>
<body>
${header}
<h1 align="center">${esc(doc.title)}</h1>${doc.subtitle ? `\n<p align="center"><em>${esc(doc.subtitle)}</em></p>` : ''}
${doc.blocks.map(block).join('\n')}
${qr}
${hasSignatures ? `<table width="100%"><tr>${signature(doc.signatures.left)}${signature(doc.signatures.right)}</tr></table>` : ''}
${(doc.footnotes ?? []).map((f) => `<p><small><em>${esc(f)}</em></small></p>`).join('\n')}
</body></html>`;
}

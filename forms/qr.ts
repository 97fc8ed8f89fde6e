import QRCode from 'qrcode';

/**
 * The QR code printed on Form 01 (docs/domain.md §4: "QR code on the receipt encodes the
 * lookup"), by the `qrcode` package: as modules for the PDF renderer to draw as vector squares,
 * and as inline SVG for the HTML page (which may load no image).
 */
export interface QrMatrix {
  size: number;
  dark(row: number, col: number): boolean;
}

const OPTIONS = { errorCorrectionLevel: 'M' } as const;

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, OPTIONS);
  return { size: modules.size, dark: (r, c) => !!modules.get(r, c) };
}

/** Inline SVG of the code, `px` wide, with a one-module quiet zone. */
export async function qrSvg(text: string, px = 120): Promise<string> {
  const svg = await QRCode.toString(text, { ...OPTIONS, type: 'svg', margin: 1 });
  return svg.replace('<svg ', `<svg width="${px}" height="${px}" role="img" aria-label="Mã QR tra cứu hồ sơ" `).trim();
}

/**
 * Amounts in Vietnamese words, as receipts and invoices write them ("Số tiền bằng chữ", ND
 * 123/2020 art. 32): 50 000 → "Năm mươi nghìn đồng", 1 005 000 → "Một triệu không trăm linh năm
 * nghìn đồng". Pure.
 */
const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const SCALES = ['', 'nghìn', 'triệu', 'tỷ'];

/** A group of three digits (0–999); `full`: not the leading group, so its hundreds and "linh" are read out. */
function group(n: number, full: boolean): string[] {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const words: string[] = [];
  if (h > 0 || full) words.push(DIGITS[h]!, 'trăm');
  if (t === 0) {
    if (u > 0 && (h > 0 || full)) words.push('linh');
  } else if (t === 1) {
    words.push('mười');
  } else {
    words.push(DIGITS[t]!, 'mươi');
  }
  if (u > 0) {
    if (u === 1 && t >= 2) words.push('mốt');
    else if (u === 5 && t >= 1) words.push('lăm');
    else words.push(DIGITS[u]!);
  }
  return words;
}

/** A whole number of 0 or more in words, lower case ("một trăm linh năm"). */
export function vnNumberWords(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a whole amount: ${value}`);
  if (value === 0) return 'không';
  // Billions repeat: 2 000 000 000 000 is "hai nghìn tỷ".
  if (value >= 1_000_000_000_000) {
    const high = Math.floor(value / 1_000_000_000);
    const low = value % 1_000_000_000;
    return [vnNumberWords(high), 'tỷ', ...(low ? [lowerPart(low, true)] : [])].join(' ');
  }
  return lowerPart(value, false);
}

/** Below 10^12: groups of three from the highest; groups of zeros are left out. */
function lowerPart(value: number, full: boolean): string {
  const groups: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 1000)) groups.push(v % 1000);
  const words: string[] = [];
  let leading = !full;
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g === 0) continue;
    words.push(...group(g, !leading), ...(SCALES[i] ? [SCALES[i]!] : []));
    leading = false;
  }
  return words.join(' ');
}

/** An amount of Vietnamese đồng in words, capitalised: "Năm mươi nghìn đồng". */
export function vndInWords(amount: number): string {
  const words = `${vnNumberWords(amount)} đồng`;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An amount in figures as Vietnamese documents write it: "50.000 đồng". */
export function vndInFigures(amount: number): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;
}

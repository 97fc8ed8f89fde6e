import { describe, expect, it } from 'vitest';
import { vndInFigures, vndInWords, vnNumberWords } from '../../domain/vn-number-words';

/** Amounts in words on the e-receipt (issue 16 item 8): as Vietnamese receipts write them. */
describe('amounts in Vietnamese words', () => {
  it.each([
    [0, 'không'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [15, 'mười lăm'],
    [21, 'hai mươi mốt'],
    [25, 'hai mươi lăm'],
    [40, 'bốn mươi'],
    [105, 'một trăm linh năm'],
    [110, 'một trăm mười'],
    [1_005, 'một nghìn không trăm linh năm'],
    [8_000, 'tám nghìn'],
    [20_000, 'hai mươi nghìn'],
    [50_000, 'năm mươi nghìn'],
    [215_000, 'hai trăm mười lăm nghìn'],
    [1_000_500, 'một triệu năm trăm'],
    [1_005_000, 'một triệu không trăm linh năm nghìn'],
    [4_000_000, 'bốn triệu'],
    [1_000_000_000, 'một tỷ'],
    [2_000_000_000_000, 'hai nghìn tỷ'],
  ])('%i → %s', (n, words) => {
    expect(vnNumberWords(n)).toBe(words);
  });

  it('a receipt says the amount in words, capitalised, and in figures with dots', () => {
    expect(vndInWords(50_000)).toBe('Năm mươi nghìn đồng');
    expect(vndInWords(100_000)).toBe('Một trăm nghìn đồng');
    expect(vndInFigures(50_000)).toBe('50.000 đồng');
    expect(vndInFigures(4_000_000)).toBe('4.000.000 đồng');
    expect(vndInFigures(800)).toBe('800 đồng');
  });

  it('refuses what is not a whole amount', () => {
    expect(() => vnNumberWords(-1)).toThrow(RangeError);
    expect(() => vnNumberWords(1.5)).toThrow(RangeError);
  });
});

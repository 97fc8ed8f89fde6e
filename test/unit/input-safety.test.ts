import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  decodePercentEncoded,
  firstUnsafeCharacter,
  jsonNestingExceeds,
  MULTI_LINE,
  replaceUnsafeCharacters,
  SINGLE_LINE,
  unsafeTextIn,
  unsafeTextProblem,
} from '../../domain/input-safety';
import { logger } from '../../platform/logger';
import { guarded } from '../../platform/response-hooks';

/** The checker every door shares (JSON bodies, query strings, paths, multipart fields), the nesting scan and the response-hook guard. */
describe('the unsafe-text checker', () => {
  it('refuses every C0 control but tab, LF and CR in multi-line text, and all of them in single-line text', () => {
    for (let c = 0; c < 0x20; c++) {
      const text = `Lý do${String.fromCharCode(c)}dừng`;
      const allowed = c === 0x09 || c === 0x0a || c === 0x0d;
      expect(firstUnsafeCharacter(text, MULTI_LINE), `U+${c.toString(16)}`).toEqual(allowed ? null : { reason: 'ControlCharacter', codeUnit: c, index: 5 });
      expect(firstUnsafeCharacter(text, SINGLE_LINE)).toEqual({ reason: 'ControlCharacter', codeUnit: c, index: 5 });
    }
  });

  it('refuses DEL and the C1 controls, and lets ordinary Vietnamese, emoji and U+00A0 through', () => {
    expect(firstUnsafeCharacter('a\u007f')).toMatchObject({ reason: 'ControlCharacter', codeUnit: 0x7f, index: 1 });
    expect(firstUnsafeCharacter('\u0080')).toMatchObject({ reason: 'ControlCharacter', codeUnit: 0x80 });
    expect(firstUnsafeCharacter('x\u009b[31m')).toMatchObject({ reason: 'ControlCharacter', codeUnit: 0x9b });
    expect(firstUnsafeCharacter('Nguyễn Văn An, 12 Lê Lợi\u00a0– Phường Sài Gòn 😀', SINGLE_LINE)).toBeNull();
    expect(firstUnsafeCharacter('Dòng 1\r\nDòng 2\tcột', MULTI_LINE)).toBeNull();
  });

  it('refuses unpaired surrogates, high or low, and accepts a proper pair', () => {
    expect(firstUnsafeCharacter('ghi chú \ud800')).toEqual({ reason: 'UnpairedSurrogate', codeUnit: 0xd800, index: 8 });
    expect(firstUnsafeCharacter('\udc00 đầu')).toEqual({ reason: 'UnpairedSurrogate', codeUnit: 0xdc00, index: 0 });
    expect(firstUnsafeCharacter('\udbff\udbff\udfff')).toEqual({ reason: 'UnpairedSurrogate', codeUnit: 0xdbff, index: 0 });
    expect(firstUnsafeCharacter('\udc00\ud800')).toMatchObject({ reason: 'UnpairedSurrogate', index: 0 }); // a pair the wrong way round
    expect(firstUnsafeCharacter('\ud83d\ude00')).toBeNull();
  });

  it('names each bad field of a nested body by its path, keys included, with a Vietnamese message', () => {
    const body = {
      reason: 'ok',
      applicant: { fullName: 'An\u0000', address: 'Số 1\u0007' },
      items: ['Bản sao CCCD', 'Giấy \u001b[2J'],
      'bad\u0000key': 1,
      note: 'nửa cặp \udc00',
    };
    const errors = unsafeTextIn(body);
    expect(errors.map((e) => [e.field, e.reason])).toEqual([
      ['applicant.fullName', 'ControlCharacter'],
      ['applicant.address', 'ControlCharacter'],
      ['items[1]', 'ControlCharacter'],
      ['bad\\u0000key', 'ControlCharacter'],
      ['note', 'UnpairedSurrogate'],
    ]);
    expect(errors[0]!.message).toBe('chứa ký tự điều khiển không được phép (U+0000) ở vị trí 3');
    expect(errors[4]!.message).toContain('ký tự Unicode không hợp lệ');
    expect(errors[3]!.message).toMatch(/^tên trường/);
    // The answer: a 422 listing every field, with the reason code of the first.
    expect(unsafeTextProblem(errors)).toMatchObject({ kind: 'invalid', extra: { reason: 'ControlCharacter', errors } });
    expect(unsafeTextIn({ items: ['a', 'b'], nested: [[{ x: 'clean' }]], n: 1, b: true, z: null })).toEqual([]);
  });

  it('checks query values under query., single-line, and lists at most 20 errors', () => {
    expect(unsafeTextIn({ check: '12\t4', tags: ['a', 'b\n'] }, 'query', SINGLE_LINE).map((e) => e.field)).toEqual(['query.check', 'query.tags[1]']);
    expect(unsafeTextIn(Array.from({ length: 500 }, () => '\u0000'))).toHaveLength(20);
  });

  it('walks a value of any depth without recursion', () => {
    let deep: unknown = 'đáy\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unsafeTextIn(deep)).toHaveLength(1);
  });

  it('replaces the refused characters for the records of a refusal, and decodes %-escapes without throwing', () => {
    expect(replaceUnsafeCharacters('a\u0000b\ud800c\ud83d\ude00\n')).toBe('a\ufffdb\ufffdc\ud83d\ude00\ufffd');
    expect(decodePercentEncoded('%ff')).toBeNull();
    expect(decodePercentEncoded('%c0%af')).toBeNull();
    expect(decodePercentEncoded('%E0%A4%A')).toBeNull();
    expect(decodePercentEncoded('000.20.20.H29-260101-0001')).toBe('000.20.20.H29-260101-0001');
    expect(decodePercentEncoded('S%C3%A0i%20G%C3%B2n')).toBe('Sài Gòn');
  });
});

describe('the JSON nesting scan', () => {
  it('measures arrays and objects, not brackets inside strings or after escapes', () => {
    expect(jsonNestingExceeds('{"a":[1]}', 2)).toBe(false);
    expect(jsonNestingExceeds('{"a":[1]}', 1)).toBe(true);
    expect(jsonNestingExceeds('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(jsonNestingExceeds('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(jsonNestingExceeds('{"a\\\\":[[1]]}', 2)).toBe(true); // an escaped backslash ends the string where it seems to
    expect(jsonNestingExceeds('[{}, {}, [], [[]]]', 3)).toBe(false);
  });

  it('finds 33 levels past a limit of 32, and 5,000 without a stack', () => {
    expect(jsonNestingExceeds(`${'['.repeat(32)}${']'.repeat(32)}`, 32)).toBe(false);
    expect(jsonNestingExceeds(`${'['.repeat(33)}${']'.repeat(33)}`, 32)).toBe(true);
    expect(jsonNestingExceeds(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 32)).toBe(true);
  });
});

describe('response hooks', () => {
  it('log what a hook throws or rejects with instead of letting it escape', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const res = new EventEmitter();
      res.on('finish', guarded('throws', () => decodeURIComponent('%ff')));
      res.on('finish', guarded('rejects', async () => Promise.reject(new Error('database gone'))));
      expect(() => res.emit('finish')).not.toThrow();
      await new Promise((r) => setImmediate(r));
      expect(logged.mock.calls.map((c) => c[1])).toEqual(['response hook failed: throws', 'response hook failed: rejects']);
      expect(logged.mock.calls[0]![0]).toMatchObject({ hook: 'throws', err: expect.objectContaining({ name: 'URIError', message: 'URI malformed' }) });
    } finally {
      logged.mockRestore();
    }
  });
});

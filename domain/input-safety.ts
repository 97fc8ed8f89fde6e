import { DomainError, type FieldError } from './errors';

/**
 * What no text sent to the system may hold, whatever the field: control characters (they
 * are invisible, a NUL cannot even be stored by PostgreSQL, an ESC or BEL ends up in
 * printed notices) and unpaired UTF-16 surrogates (no UTF-8 encoding exists for them, so
 * they fail wherever the text is written). One checker for JSON bodies, query strings, path
 * parameters and multipart fields, so every door refuses the same characters.
 */
export type UnsafeTextReason = 'ControlCharacter' | 'UnpairedSurrogate';

export interface UnsafeCharacter {
  reason: UnsafeTextReason;
  /** The offending UTF-16 code unit. */
  codeUnit: number;
  /** Its position in the text (UTF-16 index). */
  index: number;
}

export interface TextRules {
  /**
   * Tab, line feed and carriage return are allowed (multi-line text: reasons, notes,
   * addresses). Path parameters and query values allow no control character at all.
   */
  lineBreaks: boolean;
}

export const MULTI_LINE: TextRules = { lineBreaks: true };
export const SINGLE_LINE: TextRules = { lineBreaks: false };

// C0 controls, DEL and C1 controls; the multi-line variant leaves out tab (09), LF (0A) and CR (0D).
const CONTROL_STRICT = '\\u0000-\\u001F\\u007F-\\u009F';
const CONTROL_MULTI_LINE = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSAFE_STRICT = new RegExp(`[${CONTROL_STRICT}]|${LONE_SURROGATE}`);
const UNSAFE_MULTI_LINE = new RegExp(`[${CONTROL_MULTI_LINE}]|${LONE_SURROGATE}`);
const UNSAFE_ALL = new RegExp(`[${CONTROL_STRICT}]|${LONE_SURROGATE}`, 'g');

/** The first character of `text` the rules refuse, or null when it is clean. */
export function firstUnsafeCharacter(text: string, rules: TextRules = MULTI_LINE): UnsafeCharacter | null {
  const m = (rules.lineBreaks ? UNSAFE_MULTI_LINE : UNSAFE_STRICT).exec(text);
  if (!m) return null;
  const codeUnit = m[0].charCodeAt(0);
  return { reason: codeUnit >= 0xd800 && codeUnit <= 0xdfff ? 'UnpairedSurrogate' : 'ControlCharacter', codeUnit, index: m.index };
}

const hex = (n: number) => `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with the character, in the words the caller reads. */
export function unsafeCharacterMessage(c: UnsafeCharacter): string {
  return c.reason === 'ControlCharacter'
    ? `chứa ký tự điều khiển không được phép (${hex(c.codeUnit)}) ở vị trí ${c.index + 1}`
    : `chứa ký tự Unicode không hợp lệ (nửa cặp thay thế ${hex(c.codeUnit)} đứng riêng) ở vị trí ${c.index + 1}`;
}

export type UnsafeTextError = FieldError & { reason: UnsafeTextReason };

/** The field error for one text, or null when it is clean. */
export function unsafeTextError(field: string, text: string, rules: TextRules = MULTI_LINE): UnsafeTextError | null {
  const c = firstUnsafeCharacter(text, rules);
  return c ? { field, message: unsafeCharacterMessage(c), reason: c.reason } : null;
}

/** A key as a field path shows it: control characters escaped, so the answer itself stays clean. */
function shownKey(key: string): string {
  return key.replace(UNSAFE_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Field errors listed in one answer at most: a body full of NULs needs no 10,000-line answer. */
const MAX_ERRORS = 20;

/**
 * Every string of a parsed JSON value (object keys included) checked with the rules, each
 * bad one named by its path (`applicant.fullName`, `items[2]`, under `prefix` if given).
 * Walks with its own stack, so a deep value cannot overflow the call stack.
 */
export function unsafeTextIn(value: unknown, prefix = '', rules: TextRules = MULTI_LINE): UnsafeTextError[] {
  const errors: UnsafeTextError[] = [];
  // Each entry with the key it is under, checked when it is reached: errors come in document order.
  const stack: Array<{ value: unknown; path: string; key?: string }> = [{ value, path: prefix }];
  const child = (path: string, key: string | number) =>
    typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${shownKey(key)}` : shownKey(key);
  while (stack.length && errors.length < MAX_ERRORS) {
    const { value: v, path, key } = stack.pop()!;
    const keyError = key === undefined ? null : unsafeTextError(path, key, SINGLE_LINE);
    if (keyError) errors.push({ ...keyError, message: `tên trường ${keyError.message}` });
    if (typeof v === 'string') {
      const e = unsafeTextError(path || '(body)', v, rules);
      if (e) errors.push(e);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: child(path, i) });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path: child(path, entries[i]![0]), key: entries[i]![0] });
    }
  }
  return errors.slice(0, MAX_ERRORS);
}

export const UNSAFE_TEXT_DETAIL =
  'Nội dung gửi lên chứa ký tự không được phép (ký tự điều khiển hoặc ký tự Unicode lỗi) ở các trường được liệt kê; vui lòng xóa các ký tự đó rồi gửi lại.';

/** The 422 for text the rules refuse: every field named, with the reason code of the first. */
export function unsafeTextProblem(errors: UnsafeTextError[]): DomainError {
  return new DomainError('invalid', 'Invalid request', UNSAFE_TEXT_DETAIL, { reason: errors[0]?.reason ?? 'ControlCharacter', errors });
}

/** The text with every refused character replaced by U+FFFD: for records of what was refused (logs, the audit trail). */
export function replaceUnsafeCharacters(text: string): string {
  return text.replace(UNSAFE_ALL, '\uFFFD');
}

/** decodeURIComponent that never throws: null for a malformed %-escape (or one that is not UTF-8). */
export function decodePercentEncoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, found by one pass
 * over its characters (strings and escapes skipped), before anything parses or walks it.
 * `{"a":[1]}` is 2 deep.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

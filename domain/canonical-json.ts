import { createHash } from 'node:crypto';

/**
 * JSON whose text does not depend on key order: objects with their keys sorted (by UTF-16 code
 * units), at every depth; arrays keep their order. Two requests that differ only in key order
 * hash alike, so a retry is recognised as the same request.
 *
 * Written with an explicit stack, not recursion: a body nested thousands deep costs memory in
 * proportion to its size, never the call stack (a stack overflow would be a 500). Otherwise as
 * `JSON.stringify`: `toJSON` is honoured, `undefined` and functions are left out of objects and
 * written `null` in arrays, non-finite numbers are `null`.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // What is left to write, last first: a value, a piece of punctuation, or the end of an array or object.
  const todo: Array<{ value: unknown } | { closes: object; text: string } | string> = [{ value }];
  // The arrays and objects being written: meeting one again inside itself is a cycle (as JSON.stringify, a TypeError).
  const open = new Set<object>();
  while (todo.length) {
    const item = todo.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    if ('closes' in item) {
      open.delete(item.closes);
      out.push(item.text);
      continue;
    }
    let v = item.value;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(): unknown }).toJSON();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      out.push('null'); // only reached at the top or in an array: object members without a value are skipped below
      continue;
    }
    if (v !== null && typeof v === 'object') {
      if (open.has(v)) throw new TypeError('canonicalJson: cyclic structure');
      open.add(v);
    }
    if (Array.isArray(v)) {
      todo.push({ closes: v, text: ']' });
      for (let i = v.length - 1; i >= 0; i -= 1) {
        todo.push({ value: v[i] });
        if (i > 0) todo.push(',');
      }
      todo.push('[');
      continue;
    }
    if (v !== null && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined && typeof record[k] !== 'function' && typeof record[k] !== 'symbol')
        .sort();
      todo.push({ closes: v, text: '}' });
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        todo.push({ value: record[keys[i]!] });
        todo.push(`${JSON.stringify(keys[i])}:`);
        if (i > 0) todo.push(',');
      }
      todo.push('{');
      continue;
    }
    out.push(JSON.stringify(v));
  }
  return out.join('');
}

/** Hex SHA-256 of a text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex SHA-256 of the canonical JSON: the fingerprint of a request body. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

import { createHash } from 'node:crypto';

/**
 * JSON whose text does not depend on key order: objects with their keys sorted, at every depth
 * (arrays keep their order). Two requests that differ only in key order hash alike, so a retry
 * is recognised as the same request.
 */
export function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonicalValue((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** `JSON.stringify` of the canonical value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

/** Hex SHA-256 of a text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex SHA-256 of the canonical JSON: the fingerprint of a request body. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

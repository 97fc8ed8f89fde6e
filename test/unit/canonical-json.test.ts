import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../domain/canonical-json';

describe('canonical JSON (the one request fingerprint)', () => {
  it('does not depend on key order, at any depth, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalHash({ b: 1, a: { d: [2, 1] } })).toBe(canonicalHash({ a: { d: [2, 1] }, b: 1 }));
    expect(canonicalHash({ a: [1, 2] })).not.toBe(canonicalHash({ a: [2, 1] }));
  });

  it('writes values as JSON.stringify does', () => {
    const value = { s: 'x"y\u0000ư', n: NaN, u: undefined, f: () => 1, list: [undefined, () => 1, 1.5, true], when: new Date(0) };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('hashes a body nested 100,000 deep without recursion (no stack overflow)', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('refuses a cycle as JSON.stringify does, and allows a shared value', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});

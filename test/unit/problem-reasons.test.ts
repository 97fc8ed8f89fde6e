import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every reason code the sources answer with is documented in docs/problem-reasons.md, so codes stay stable and explained. */

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['api', 'dossiers', 'domain', 'payments', 'platform', 'supervision', 'calendars', 'documents', 'delivery', 'webhooks', 'workflows', 'activities', 'forms'];
const PATTERNS = [
  /reason: '([A-Z][A-Za-z0-9]+)'/g,
  /\b(?:state|forbidden|tokenRefused)\(\s*'([A-Z][A-Za-z0-9]+)'/g,
  /FAILURE_TYPES\.\w+,\s*'([A-Z][A-Za-z0-9]+)'/g,
  /unauthenticated\([^;]*?,\s*'([A-Z][A-Za-z0-9]+)'\)/g,
  /_(?:REASON|REUSED)\s*=\s*'([A-Z][A-Za-z0-9]+)'/g,
];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts') && !p.includes('.test.')) yield p;
  }
}

describe('problem reason codes', () => {
  it('are all listed in docs/problem-reasons.md', () => {
    const used = new Map<string, string>();
    for (const dir of SOURCES) {
      for (const file of files(path.join(ROOT, dir))) {
        const text = readFileSync(file, 'utf8');
        for (const re of PATTERNS) for (const m of text.matchAll(re)) used.set(m[1]!, path.relative(ROOT, file));
      }
    }
    const doc = readFileSync(path.join(ROOT, 'docs/problem-reasons.md'), 'utf8');
    const missing = [...used].filter(([code]) => !doc.includes(`\`${code}\``)).map(([code, file]) => `${code} (${file})`);
    expect(used.size).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

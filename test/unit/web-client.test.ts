import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The portal's and the console's typed client (web/src/api/schema.d.ts) is generated from our
 * own OpenAPI document, as the contract snapshot (test/contract/openapi.json) records it. When a
 * route changes, the snapshot changes (test/e2e/openapi.test.ts) and this fails until the client
 * is generated again: `npm run gen:client`.
 */
const ROOT = path.join(__dirname, '..', '..');

describe('the web client generated from the OpenAPI document', () => {
  it('is up to date with the contract snapshot (else: npm run gen:client)', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'web-client-')), 'schema.d.ts');
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), path.join(ROOT, 'test', 'contract', 'openapi.json'), '-o', out], { stdio: 'pipe' });
      const fresh = fs.readFileSync(out, 'utf8');
      const committed = fs.readFileSync(path.join(ROOT, 'web', 'src', 'api', 'schema.d.ts'), 'utf8');
      expect(committed === fresh, 'web/src/api/schema.d.ts is stale against test/contract/openapi.json: run `npm run gen:client`').toBe(true);
      // And it is the document of this API: its paths are there, typed.
      expect(committed).toContain('"/api/v1/status/{code}"');
      expect(committed).toContain('"/api/v1/sla/preview"');
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

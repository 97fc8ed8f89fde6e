import { beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, type RouteSpec } from '../../api/contract';
import { citizenToken, officerToken, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 6: no answer about a dossier code tells whether it exists to someone who
 * may not know. Without a token every route that takes a code answers 401 before looking
 * anything up (an existing, an unknown and a malformed code alike); an officer of another
 * agency gets exactly the 404 an unknown code gets; a citizen's token on an officer route and
 * an officer's on a citizen route get 403 whatever the code.
 */
const UNKNOWN = '000.20.20.H29-991231-9999';
const MALFORMED = 'not-a-code';

describe('existence oracle', () => {
  const { api } = useStack({ name: 'oracle', worker: false });
  let code: string;

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, '079301660001', {}, 'oracle');
    expect(r.status).toBe(201);
    code = r.body.code;
  });

  const codeRoutes = () => declaredRoutes().filter((r) => r.path.includes(':code') && !r.path.startsWith('/api/v1/calendars') && r.access !== 'public' && r.access !== 'public-or-citizen');
  async function call(spec: RouteSpec, c: string, token: string | null) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${api.baseUrl}${spec.path.replace(':code', encodeURIComponent(c))}`, { method: spec.method.toUpperCase(), headers, body: spec.method === 'get' ? undefined : '{}' });
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    // The instance is the URL asked for: it differs by the code and says nothing more.
    delete body.instance;
    return { status: res.status, body, type: res.headers.get('content-type') };
  }
  const name = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`;

  it('answers 401 without a token on every route that takes a code, before looking the code up', async () => {
    const routes = codeRoutes();
    expect(routes.length).toBeGreaterThan(25);
    const diffs: string[] = [];
    for (const r of routes) {
      const [real, unknown, malformed] = [await call(r, code, null), await call(r, UNKNOWN, null), await call(r, MALFORMED, null)];
      expect([name(r), real.status]).toEqual([name(r), 401]);
      if (JSON.stringify(real) !== JSON.stringify(unknown) || JSON.stringify(real) !== JSON.stringify(malformed)) diffs.push(name(r));
    }
    expect(diffs).toEqual([]);
  });

  it('answers an officer of another agency exactly as it answers an unknown code (404), whatever their role', async () => {
    const officerRoutes = codeRoutes().filter((r) => r.access === 'officer');
    for (const user of ['motcua.tphcm', 'chuyenvien.tuphap', 'lanhdao.tuphap']) {
      const token = await officerToken(user);
      for (const r of officerRoutes) {
        const real = await call(r, code, token);
        const unknown = await call(r, UNKNOWN, token);
        expect([user, name(r), real.status]).toEqual([user, name(r), 404]);
        expect([user, name(r), real.body]).toEqual([user, name(r), unknown.body]);
      }
    }
    // And the agency's own officers get that same answer for an unknown code.
    const own = await call(officerRoutes.find((r) => r.method === 'get' && r.path === '/api/v1/dossiers/:code')!, UNKNOWN, await officerToken('motcua.saigon'));
    expect(own).toMatchObject({ status: 404, body: { reason: 'DossierNotFound' } });
  });

  it('answers a token of the wrong kind 403 whatever the code', async () => {
    const citizen = await citizenToken('079301660001');
    const officer = await officerToken('lanhdao.saigon');
    for (const r of codeRoutes().filter((x) => x.access === 'officer' || x.access === 'citizen')) {
      const token = r.access === 'officer' ? citizen : officer;
      const [real, unknown] = [await call(r, code, token), await call(r, UNKNOWN, token)];
      expect([name(r), real.status, unknown.status]).toEqual([name(r), 403, 403]);
      expect(real.body).toEqual(unknown.body);
    }
  });
});

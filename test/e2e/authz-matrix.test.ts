import { beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes, type RouteSpec } from '../../api/contract';
import { citizenToken, http, officerToken, payFeeAtCounter, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Authorisation matrix (OWASP API1, broken object-level authorisation first): every
 * officer, admin and citizen endpoint of the contract, called by nobody, by each role of
 * the dossier's agency and of another agency, by the applicant and by another citizen.
 * Nobody outside the dossier's agency, and no citizen but its owner, ever gets a 2xx or
 * learns more than an unknown code would tell: without a token, 401 before the code is looked
 * up; an officer of another agency, the 404 of an unknown code (issue 14).
 */
const AGENCY_A = {
  one_stop_officer: 'motcua.saigon',
  specialist: 'chuyenvien.saigon1',
  leader: 'lanhdao.saigon',
  supervisor: 'giamsat.saigon',
};
const AGENCY_B = {
  one_stop_officer: 'motcua.tphcm',
  specialist: 'chuyenvien.tuphap',
  leader: 'lanhdao.tuphap',
};
const OWNER = '079302220001';
const STRANGER = '079302220002';
// Routes that create or change state whatever the caller (other than denial paths), kept out of the "allowed" sweep.
const SUCCESS = (s: number) => s >= 200 && s < 300;

describe('authorisation matrix', () => {
  const { api } = useStack({ name: 'authz' });
  let code: string;
  const table: Array<{ route: string; caller: string; status: number }> = [];

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, OWNER, {}, 'authz');
    code = r.body.code;
    await payFeeAtCounter(api.baseUrl, code);
  });

  const url = (spec: RouteSpec, dossierCode = code) =>
    `${api.baseUrl}${spec.path.replace(':code', encodeURIComponent(dossierCode)).replace(':eid', '000.20.20.H29').replace(':id', '1').replace(':form', 'receipt')}`;
  /** The answer's status, and its problem minus `instance` (the URL asked for). */
  async function answer(spec: RouteSpec, token: string | null, dossierCode = code): Promise<{ status: number; problem: unknown }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'Idempotency-Key': uniqueKey('authz') };
    if (token) headers.Authorization = `Bearer ${token}`;
    const query = spec.path.startsWith('/api/v1/supervision') ? `?view=overdue&from=2026-01-01&to=2026-02-01&agency=000.20.20.H29` : '';
    const res = await fetch(`${url(spec, dossierCode)}${query}`, { method: spec.method.toUpperCase(), headers, body: spec.method === 'get' || spec.method === 'delete' ? undefined : '{}' });
    const text = await res.text();
    let problem: unknown = null;
    if (/problem\+json/.test(res.headers.get('content-type') ?? '')) {
      const { instance: _instance, ...rest } = JSON.parse(text) as Record<string, unknown>;
      problem = rest;
    }
    return { status: res.status, problem };
  }
  const call = async (spec: RouteSpec, token: string | null): Promise<number> => (await answer(spec, token)).status;
  // A well-formed code no dossier has: what an existing code's answers are compared with.
  const UNKNOWN = '000.20.20.H29-991231-9999';
  const protectedRoutes = () => declaredRoutes().filter((r) => ['officer', 'admin', 'citizen', 'officer-or-citizen'].includes(r.access) && !r.path.startsWith('/dev/'));

  it('refuses every protected endpoint to a caller without a token (401), before looking up the code it names', async () => {
    const answers = await Promise.all(protectedRoutes().map(async (r) => [`${r.method.toUpperCase()} ${r.path}`, await call(r, null)] as const));
    expect(answers.filter(([, s]) => s !== 401)).toEqual([]);
    expect(answers.length).toBeGreaterThan(50);
    // Issue 14: an existing and an unknown code get the same 401, so nobody learns which codes exist.
    const byCode = await Promise.all(
      protectedRoutes().filter((r) => r.path.includes(':code')).map(async (r) => {
        const [known, unknown] = [await answer(r, null), await answer(r, null, UNKNOWN)];
        return { route: `${r.method.toUpperCase()} ${r.path}`, same: known.status === 401 && JSON.stringify(known) === JSON.stringify(unknown) };
      }),
    );
    expect(byCode.filter((a) => !a.same)).toEqual([]);
  });

  it('refuses officer endpoints to citizens and citizen endpoints to officers (403)', async () => {
    const citizen = await citizenToken(OWNER);
    const officer = await officerToken(AGENCY_A.leader);
    const wrongKind = await Promise.all(
      protectedRoutes().filter((r) => r.access !== 'officer-or-citizen').map(async (r) => [`${r.method.toUpperCase()} ${r.path}`, await call(r, r.access === 'citizen' ? officer : citizen)] as const),
    );
    expect(wrongKind.filter(([, s]) => s !== 403)).toEqual([]);
  });

  it('gives officers of another agency nothing of this agency’s dossiers, whatever their role: the 404 of an unknown code', async () => {
    // Calendar codes are shared reads, not dossiers.
    const dossierRoutes = protectedRoutes().filter((r) => r.path.includes(':code') && r.access === 'officer' && !r.path.startsWith('/api/v1/calendars'));
    const unlike: string[] = [];
    for (const [role, user] of Object.entries(AGENCY_B)) {
      const token = await officerToken(user);
      for (const r of dossierRoutes) {
        const [known, unknown] = [await answer(r, token), await answer(r, token, UNKNOWN)];
        table.push({ route: `${r.method.toUpperCase()} ${r.path}`, caller: `B:${role}`, status: known.status });
        if (JSON.stringify(known) !== JSON.stringify(unknown)) unlike.push(`B:${role} ${r.method.toUpperCase()} ${r.path}`);
      }
    }
    // Issue 14: not 403 (which says "it exists, not yours") but exactly what an unknown code gets.
    const leaks = table.filter((t) => t.caller.startsWith('B:') && (SUCCESS(t.status) || t.status !== 404));
    expect(leaks).toEqual([]);
    expect(unlike).toEqual([]);
  });

  it('lets only the applicant act on or read their dossier; another citizen learns nothing (404 like an unknown code)', async () => {
    const citizenRoutes = protectedRoutes().filter((r) => r.access === 'citizen' && r.path.includes(':code'));
    const stranger = await citizenToken(STRANGER);
    const owner = await citizenToken(OWNER);
    for (const r of citizenRoutes) {
      expect([`${r.method} ${r.path}`, await call(r, stranger)]).toEqual([`${r.method} ${r.path}`, 404]);
      const mine = await call(r, owner);
      expect([`${r.method} ${r.path}`, [401, 403, 404].includes(mine)]).toEqual([`${r.method} ${r.path}`, false]);
    }
  });

  it('within the agency, roles are checked: reads for every role, deadline and audit powers only for those who hold them', async () => {
    const get = (path: string, user: string) => http('GET', `${api.baseUrl}${path}`, { headers: { 'X-User-Id': user } }).then((r) => r.status);
    for (const user of Object.values(AGENCY_A)) {
      expect(await get(`/api/v1/dossiers/${code}`, user)).toBe(200);
      expect(await get(`/api/v1/dossiers/${code}/process-control`, user)).toBe(200);
    }
    expect(await get(`/api/v1/dossiers/${code}/audit`, AGENCY_A.specialist)).toBe(403);
    expect(await get(`/api/v1/dossiers/${code}/audit`, AGENCY_A.one_stop_officer)).toBe(403);
    expect(await get(`/api/v1/dossiers/${code}/audit`, AGENCY_A.supervisor)).toBe(200);
    expect(await get(`/api/v1/dossiers/${code}/audit`, AGENCY_A.leader)).toBe(200);
    const act = (action: string, user: string, body: unknown) => http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/${action}`, { body, headers: { 'X-User-Id': user } }).then((r) => r.status);
    // Accepting at intake is the one-stop officer's: others are refused before anything happens.
    expect(await act('intake/accept', AGENCY_A.specialist, {})).toBe(403);
    expect(await act('intake/accept', AGENCY_A.supervisor, {})).toBe(403);
    expect(await act('intake/accept', AGENCY_A.one_stop_officer, {})).toBe(200);
    const extension = { workingDays: 1, reason: 'x', legalBasis: 'y' };
    expect(await act('deadline/extension', AGENCY_A.specialist, extension)).toBe(403);
    expect(await act('deadline/extension', AGENCY_A.one_stop_officer, extension)).toBe(403);
    expect(await act('deadline/extension', AGENCY_A.leader, extension)).toBe(200);
  });

  it('keeps administration to administrators and supervision to the agency’s supervisors and leaders', async () => {
    const admin = protectedRoutes().filter((r) => r.access === 'admin');
    for (const user of [...Object.values(AGENCY_A), ...Object.values(AGENCY_B)]) {
      const token = await officerToken(user);
      for (const r of admin) expect([user, r.method, r.path, await call(r, token)]).toEqual([user, r.method, r.path, 403]);
    }
    const sup = (user: string) => http('GET', `${api.baseUrl}/api/v1/supervision/dossiers?view=overdue&agency=000.20.20.H29`, { headers: { 'X-User-Id': user } }).then((r) => r.status);
    expect(await sup(AGENCY_A.supervisor)).toBe(200);
    expect(await sup(AGENCY_A.leader)).toBe(200);
    expect(await sup(AGENCY_A.specialist)).toBe(403);
    expect(await sup(AGENCY_B.leader)).toBe(403);
  });
});

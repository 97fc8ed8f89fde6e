import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { inject } from 'vitest';
import { closeLiveQueues, createApp } from '../../api/app';
import { requestIdClientInterceptor } from '../../platform/request-propagation';
import { pdf } from './document-fixtures';
import { officerClaims, signCitizenToken, signOfficerToken } from '../../api/auth';
import { authConfig } from '../../platform/config';
import { createDb } from '../../db/connection';
import type { PaymentProvider } from '../../integrations/payment/provider';
import { createSandboxPaymentProvider } from '../../integrations/payment/sandbox-client';
import { createSandboxGateway, type SandboxGateway } from '../../integrations/payment/sandbox-gateway';
import { freePort } from '../../platform/temporal-dev-server';
import type { PostalProvider } from '../../integrations/postal/provider';
import { createSandboxPostalProvider } from '../../integrations/postal/sandbox-client';
import { createSandboxPostalService, type SandboxPostalService } from '../../integrations/postal/sandbox-postal-service';

export const PAYMENT_SECRET = 'test-payment-secret-0123456789';
export const POSTAL_SECRET = 'test-postal-secret-0123456789';

export const ROOT = path.join(__dirname, '..', '..');

/** Environment for a process of this system wired to the test components. */
export function stackEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    QUEUE_PREFIX: `${inject('runId')}`,
    // Suites poll the public lookup; the limiter has its own tests.
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    // E-mails of the sandbox outbox go to a scratch folder, not the checkout's data/.
    NOTIFY_OUTBOX_DIR: path.join(os.tmpdir(), `dossier-outbox-${inject('runId')}`),
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    ...overrides,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface ProcessUnderTest {
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
  /** Sends the signal unless it has exited already; resolves once it has. */
  signal(sig: NodeJS.Signals): Promise<void>;
}

/**
 * A TypeScript entry point of this repository (`entry`, relative to the root) in a child
 * process, `node --import tsx` as `npm start` runs it; resolves once its output matches
 * `ready`, fails (and kills it) if it exits before or is not ready within `timeoutMs`.
 */
export async function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 60_000): Promise<ProcessUnderTest> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, output: () => out, exited, signal };
}

/** The real worker process (`worker/main.ts`), as `npm start` runs it. */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const { child, output, exited, signal } = await startProcess('worker', path.join('worker', 'main.ts'), env, /worker: polling task queue/);
  // A drain that outlasts its grace (a job stuck on a dead subscriber, a loaded machine) must not hang the suite.
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      process.stderr.write(`worker did not stop within 45 s of SIGTERM; killing it\n${output().split('\n').slice(-20).join('\n')}\n`);
      child.kill('SIGKILL');
    }, 45_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output, exited, stop, kill: () => signal('SIGKILL') };
}

export interface ApiUnderTest {
  baseUrl: string;
  /** The Express app itself, for tests that inspect its routes. */
  app: ReturnType<typeof createApp>;
  db: Knex;
  temporal: Client;
  gateway: SandboxGateway;
  /** Every callback the sandbox gateway sent, in order, as it sent it (URL, raw body, headers). */
  gatewayCallbacks: ReadonlyArray<{ url: string; body: string; headers: Record<string, string> }>;
  paymentProvider: PaymentProvider;
  post: SandboxPostalService;
  postalProvider: PostalProvider;
  close(): Promise<void>;
}

/**
 * The real Express app, in-process, on a free port, against the test components. The public
 * rate limit and the lookup's lock-out thresholds are high by default (suites poll the status
 * lookup, and try unknown codes) and counted under a prefix of their own, so no two apps share
 * counters; a test of the limiter or the lock-out passes low ones.
 */
export async function startApi(
  taskQueue: string,
  opts: Pick<Parameters<typeof createApp>[0], 'publicRateLimit' | 'lookupLockout' | 'trustProxy' | 'idLookup' | 'liveQueues' | 'responseValidation'> = {},
): Promise<ApiUnderTest> {
  const db = createDb(inject('databaseUrl'));
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const temporal = new Client({ connection, interceptors: { workflow: [requestIdClientInterceptor()] } });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const gatewayCallbacks: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  const gateway = createSandboxGateway({
    secret: PAYMENT_SECRET,
    publicUrl: `${baseUrl}/sandbox/payment-gateway`,
    callbackBase: baseUrl,
    callbackRetryDelaysMs: [100, 200],
    fetch: (url, init) => {
      gatewayCallbacks.push({ url: String(url), body: String(init?.body ?? ''), headers: { ...(init?.headers as Record<string, string>) } });
      return fetch(url, init);
    },
  });
  const paymentProvider = createSandboxPaymentProvider({ baseUrl: `${baseUrl}/sandbox/payment-gateway`, secret: PAYMENT_SECRET });
  const post = createSandboxPostalService({ secret: POSTAL_SECRET, callbackBase: baseUrl, callbackBackoffMs: 100 });
  const postalProvider = createSandboxPostalProvider({ baseUrl: `${baseUrl}/sandbox/postal`, secret: POSTAL_SECRET });
  const app = createApp({
    db,
    redis,
    temporal,
    taskQueue,
    payments: { provider: paymentProvider, sandbox: gateway, publicBaseUrl: baseUrl, validityMinutes: 15 },
    postal: { provider: postalProvider, sandbox: post },
    publicRateLimit: { limit: 100_000, keyPrefix: `${inject('runId')}:${port}:`, ...opts.publicRateLimit },
    lookupLockout: opts.lookupLockout ?? { failuresPerCode: 100_000, failuresPerClient: 100_000 },
    idLookup: opts.idLookup,
    trustProxy: opts.trustProxy,
    liveQueues: opts.liveQueues,
    // Every successful JSON answer checked against its declared schema (api/response-validation.ts): one that strays is a 500 naming the route and the fields.
    responseValidation: opts.responseValidation ?? 'strict',
  });
  const server = await serve(app, port);
  return {
    baseUrl,
    app,
    db,
    temporal,
    gateway,
    gatewayCallbacks,
    paymentProvider,
    post,
    postalProvider,
    close: async () => {
      post.close();
      await gateway.close();
      await server.close();
      await connection.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}

/** An Express app served on 127.0.0.1 (on `port`, or a free one): its address, and a close that drops open connections. */
export async function serve(app: ReturnType<typeof createApp>, port = 0): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      // Event streams ended and the LISTEN connection closed first: the server would wait for the streams.
      await closeLiveQueues(app);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function http<T = any>(
  method: string,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<T>> {
  const signed = await signIn(method, url, opts);
  const res = await fetch(signed.url ?? url, {
    method,
    headers: { ...(signed.body !== undefined ? { 'content-type': 'application/json' } : {}), ...signed.headers },
    body: signed.body === undefined ? undefined : typeof signed.body === 'string' ? signed.body : JSON.stringify(signed.body),
  });
  return readAnswer(res);
}

/** A fetch response as the suites read it: status, headers, and the body parsed as JSON when it is JSON. */
export async function readAnswer<T = any>(res: Response): Promise<HttpAnswer<T>> {
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

const AUTH = authConfig({});
let tokenDb: Knex | undefined;

/** A development officer token for a username or numeric id, with the roles the directory gives them. */
export async function officerToken(user: string): Promise<string> {
  // Signed afresh each time: suites grant roles as they go, and a token carries the roles of its moment.
  tokenDb ??= createDb(inject('databaseUrl'), { max: 2 });
  const username = /^\d+$/.test(user) ? ((await tokenDb('users').where('id', Number(user)).first('username'))?.username ?? user) : user;
  // Unknown names still get a token: the API must refuse it as it would a real one.
  const claims = (await officerClaims(tokenDb, username)) ?? { username, fullName: username, roles: [] };
  return signOfficerToken(AUTH.officer, claims);
}

export const citizenToken = (idNumber: string, fullName?: string) => signCitizenToken(AUTH.citizen, { idNumber, fullName });

/**
 * Suites name who acts the way people do: an officer by `X-User-Id`, a citizen by their ID
 * number in the body. This signs them in as the API requires (a bearer token from the
 * development issuers) and takes the name off the request; a public status lookup gets the
 * applicant's last 4 ID digits unless the suite gives its own `check`.
 */
async function signIn(method: string, url: string, opts: { body?: unknown; headers?: Record<string, string> }): Promise<{ body?: unknown; headers: Record<string, string>; url?: string }> {
  const headers = { ...opts.headers };
  let body = opts.body;
  const userKey = Object.keys(headers).find((k) => k.toLowerCase() === 'x-user-id');
  if (userKey) {
    const user = headers[userKey]!;
    delete headers[userKey];
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.Authorization = `Bearer ${await officerToken(user)}`;
    return { body, headers };
  }
  const lookup = /^\/api\/v1\/status\/([^/?]+)$/.exec(new URL(url).pathname);
  if (method === 'GET' && lookup && !new URL(url).searchParams.has('check') && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
    // The public lookup asks for the last 4 digits of the applicant's ID number, as the citizen would type them.
    tokenDb ??= createDb(inject('databaseUrl'), { max: 2 });
    const row = await tokenDb('dossiers').where('code', decodeURIComponent(lookup[1]!)).first('applicant_id_number');
    if (row) return { body, headers, url: `${url}${url.includes('?') ? '&' : '?'}check=${row.applicant_id_number.slice(-4)}` };
    return { body, headers, url: `${url}${url.includes('?') ? '&' : '?'}check=0000` };
  }
  if (Object.keys(headers).some((k) => k.toLowerCase() === 'authorization') || !body || typeof body !== 'object' || Array.isArray(body)) return { body, headers };
  const path = new URL(url).pathname;
  const record = body as Record<string, unknown>;
  if (path.startsWith('/api/v1/citizen/') && typeof record.idNumber === 'string') {
    const { idNumber, ...rest } = record;
    headers.Authorization = `Bearer ${await citizenToken(idNumber as string)}`;
    body = rest;
  } else if (method === 'POST' && path === '/api/v1/dossiers') {
    const applicant = record.applicant as { idNumber?: unknown; fullName?: unknown } | undefined;
    if (applicant && typeof applicant.idNumber === 'string' && /^(\d{12}|\d{9})$/.test(applicant.idNumber)) {
      headers.Authorization = `Bearer ${await citizenToken(applicant.idNumber, typeof applicant.fullName === 'string' ? applicant.fullName : undefined)}`;
    }
  }
  return { body, headers };
}

export async function eventually<T>(fn: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let seq = 0;
export function uniqueKey(prefix = 'k'): string {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

export const SAMPLE_SUBMISSION = {
  procedureCode: 'KT-HKD',
  agencyEid: '000.20.20.H29',
  deliveryMethod: 'online',
  applicant: { fullName: 'Nguyễn Văn An', idNumber: '079123456789', phone: '0912345678', email: 'an.nguyen@example.vn' },
  // Papers brought to the counter; files would be uploaded first and named by fileId.
  documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }],
};

/**
 * Submits the sample dossier online for an applicant of the given ID number, with any fields
 * of the submission replaced by `overrides`, under a fresh Idempotency-Key (`keyPrefix-…`).
 */
export function submitSample(baseUrl: string, idNumber: string, overrides: Record<string, unknown> = {}, keyPrefix = 'submit'): Promise<HttpAnswer> {
  return http('POST', `${baseUrl}/api/v1/dossiers`, {
    body: { ...SAMPLE_SUBMISSION, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber }, ...overrides },
    headers: { 'Idempotency-Key': uniqueKey(keyPrefix) },
  });
}

/**
 * ID numbers of applicants no other suite uses: the suite's 4-digit prefix, the last 6 digits
 * of the process id and a counter (suites count the dossiers of their applicants).
 */
/**
 * A sample dossier submitted online for `idNumber`, its submission logged (the public lookup
 * shows it) and, unless `paid: false`, its fee paid at the counter: ready for intake.
 */
export async function submitReady(baseUrl: string, idNumber: string, keyPrefix: string, opts: { paid?: boolean } = {}): Promise<{ code: string; idNumber: string }> {
  const r = await submitSample(baseUrl, idNumber, {}, keyPrefix);
  if (r.status !== 201) throw new Error(`submission failed: ${r.status} ${JSON.stringify(r.body)}`);
  await eventually(() => http('GET', `${baseUrl}/api/v1/status/${r.body.code}`), (s) => s.body.history?.length === 1);
  if (opts.paid !== false) await payFeeAtCounter(baseUrl, r.body.code);
  return { code: r.body.code, idNumber };
}

export function applicantIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${String(process.pid).padStart(6, '0').slice(-6)}${String(++n).padStart(2, '0')}`;
}

/**
 * With RECORD_HISTORIES=1, keeps a real run's history for the replay test. An existing
 * file is never overwritten: it stands for dossiers already running on older code.
 */
export function recordHistory(name: string, json: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = path.join(ROOT, 'test', 'histories', `${name}.json`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, json);
}

/**
 * Pays a dossier's fee in cash at the counter, as the one-stop officer records it, when
 * one is due (the sample procedure charges before processing).
 */
export async function payFeeAtCounter(baseUrl: string, code: string, officer = 'motcua.saigon'): Promise<void> {
  // The fee is fixed once the submission is recorded; the officer's view of the payments shows it.
  const due = await eventually(() => http('GET', `${baseUrl}/api/v1/dossiers/${code}/payments`, { headers: { 'X-User-Id': officer } }), (r) => r.status === 200 && r.body.feeStatus !== null);
  if (due.body.feeStatus !== 'unpaid') return;
  const paid = await http('POST', `${baseUrl}/api/v1/dossiers/${code}/payments`, {
    body: { method: 'cash', amountVnd: due.body.feeDueVnd },
    headers: { 'X-User-Id': officer },
  });
  if (paid.status !== 201) throw new Error(`fee payment failed: ${paid.status} ${JSON.stringify(paid.body)}`);
}

/** The process-control sheet of a dossier, as a supervisor of the sample agency reads it. */
export async function processControl(baseUrl: string, code: string, user = 'giamsat.saigon'): Promise<Array<{ step: string; doneAt: string | null; outcome: string | null }>> {
  const r = await http('GET', `${baseUrl}/api/v1/dossiers/${code}/process-control`, { headers: { 'X-User-Id': user } });
  if (r.status !== 200) throw new Error(`process-control: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.handoffs;
}

/**
 * The calls the e2e suites make on a dossier, against an API started in `beforeAll`
 * (hence the getter): public and owner lookups, officer and citizen actions, and the assignee.
 */
export function dossierClient(api: () => { baseUrl: string; db: Knex }) {
  return {
    lookup: (code: string) => http('GET', `${api().baseUrl}/api/v1/status/${code}`),
    /** The lookup of the applicant signed in: also what officers wrote to them (items, reasons, the visit's place). */
    ownerLookup: async (code: string) => {
      const { applicant_id_number: idNumber } = await api().db('dossiers').where({ code }).first('applicant_id_number');
      return http('GET', `${api().baseUrl}/api/v1/status/${code}`, { headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    },
    officer: (code: string, action: string, user: string, body: unknown = {}) =>
      http('POST', `${api().baseUrl}/api/v1/dossiers/${code}/${action}`, { body, headers: { 'X-User-Id': user } }),
    citizen: (code: string, action: string, body: unknown) => http('POST', `${api().baseUrl}/api/v1/citizen/dossiers/${code}/${action}`, { body }),
    // Issue 18: the specialist is assigned right after the acceptance has answered.
    assigneeOf: async (code: string): Promise<string> =>
      (await eventually(() => api().db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'), (r) => !!r?.username, 10_000)).username,
  };
}

/** A citizen uploads a (small, valid) PDF as they would before naming it in a submission or supplement; its id. */
export async function uploadCitizenDocument(baseUrl: string, idNumber: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('name', name);
  form.append('file', new Blob([pdf()], { type: 'application/pdf' }), `${name}.pdf`);
  const res = await fetch(`${baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` }, body: form });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

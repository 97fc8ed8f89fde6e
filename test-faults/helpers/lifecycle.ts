import { http, SAMPLE_SUBMISSION, type HttpAnswer } from '../../test/helpers/stack';

/**
 * A client that behaves the way the API asks to be treated while parts of the system are
 * failing: every call that did not get a definite answer (connection refused or reset, 5xx,
 * "another action is in progress", "the fee is not yet known to the dossier") is sent again
 * with the same Idempotency-Key until it does. What is left, an answer that should not be
 * (a conflict showing an action applied twice or lost), is recorded as an anomaly for the
 * suite to assert on, with the dossier and step.
 */

export interface Applicant {
  fullName: string;
  idNumber: string;
  phone: string;
  email: string;
}

export interface DriveContext {
  baseUrl: string;
  /** Idempotency keys are `<keyPrefix>-<step>-<index>`: unique per run, stable across retries. */
  keyPrefix: string;
  /** Give up on one call after this long without a definite answer. */
  callTimeoutMs?: number;
  anomalies: string[];
  stats: DriveStats;
}

export interface DriveStats {
  /** Calls that got no answer (process gone, connection refused or reset). */
  networkErrors: number;
  /** 5xx answers, retried. */
  serverErrors: number;
  /** 409 answers that mean "not yet" (busy, fee not yet told to the dossier), retried. */
  notYet: number;
  /** Submissions answered 200: a retry that found the dossier an earlier attempt had stored. */
  replayedSubmissions: number;
  /** Submissions answered 202: stored, processing deferred to the worker's reconciler. */
  deferredSubmissions: number;
}

export const newStats = (): DriveStats => ({ networkErrors: 0, serverErrors: 0, notYet: 0, replayedSubmissions: 0, deferredSubmissions: 0 });

/** Distinct applicants for a run: 12-digit citizen ID numbers, a phone and an e-mail each. */
export function applicantFor(runTag: number, index: number): Applicant {
  const id = `0${String(runTag % 100_000).padStart(5, '0')}${String(index).padStart(6, '0')}`;
  return {
    fullName: `Người Nộp Thử ${index}`,
    idNumber: id,
    phone: `09${String(10_000_000 + ((runTag * 7919 + index) % 90_000_000)).slice(-8)}`,
    email: `nguoinop.${runTag}.${index}@example.vn`,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Verdict = 'done' | 'retry' | { fail: string };

/** Sends until `judge` accepts (or gives up with the last answer). Network errors and 5xx are always retried. */
async function persist(ctx: DriveContext, label: string, send: () => Promise<HttpAnswer>, judge: (r: HttpAnswer) => Verdict): Promise<HttpAnswer> {
  const deadline = Date.now() + (ctx.callTimeoutMs ?? 180_000);
  let delay = 200;
  let last = 'no answer yet';
  for (;;) {
    let verdict: Verdict;
    let answer: HttpAnswer | undefined;
    try {
      answer = await send();
      verdict = answer.status >= 500 || answer.status === 429 ? 'retry' : judge(answer);
      if (answer.status >= 500) ctx.stats.serverErrors += 1;
      last = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
    } catch (err) {
      ctx.stats.networkErrors += 1;
      verdict = 'retry';
      last = `network: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message}`;
    }
    if (verdict === 'done') return answer!;
    if (verdict !== 'retry') throw new Error(`${label}: ${verdict.fail} (${last})`);
    if (Date.now() > deadline) throw new Error(`${label}: no definite answer within ${ctx.callTimeoutMs ?? 180_000} ms; last: ${last}`);
    await sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 2_000);
  }
}

/**
 * 409s that only mean "not now", by their stable reason (docs/problem-reasons.md; the Vietnamese
 * detail may change): another action or a request with the same key in progress, the fee not yet
 * told to the dossier. Retried with the same key.
 */
const NOT_YET_REASONS = ['DossierBusy', 'IdempotencyKeyInProgress', 'FeeUnpaid'];
function isNotYet(r: HttpAnswer): boolean {
  return r.status === 409 && NOT_YET_REASONS.includes(String(r.body?.reason ?? ''));
}

/** Online submission with an Idempotency-Key, until the dossier is stored (201, 200 on a replay, 202 when deferred). */
export async function submit(ctx: DriveContext, index: number, applicant: Applicant, submission: Record<string, unknown> = SAMPLE_SUBMISSION): Promise<{ code: string; key: string }> {
  const key = `${ctx.keyPrefix}-submit-${index}`;
  const body = { ...submission, applicant };
  const r = await persist(
    ctx,
    `dossier #${index} submission`,
    () => http('POST', `${ctx.baseUrl}/api/v1/dossiers`, { body, headers: { 'Idempotency-Key': key } }),
    (a) => ([200, 201, 202].includes(a.status) ? 'done' : { fail: 'refused' }),
  );
  if (r.status === 200) ctx.stats.replayedSubmissions += 1;
  if (r.status === 202) ctx.stats.deferredSubmissions += 1;
  return { code: r.body.code, key };
}

/** One officer action (a Temporal Update) with an Idempotency-Key, until it is applied. */
async function officerAction(ctx: DriveContext, index: number, code: string, step: string, action: string, user: string, body: unknown = {}): Promise<HttpAnswer> {
  const key = `${ctx.keyPrefix}-${step}-${index}`;
  return persist(
    ctx,
    `dossier #${index} ${code} ${step}`,
    () => http('POST', `${ctx.baseUrl}/api/v1/dossiers/${code}/${action}`, { body, headers: { 'X-User-Id': user, 'Idempotency-Key': key } }),
    (a) => {
      if (a.status === 200) return 'done';
      if (isNotYet(a)) {
        ctx.stats.notYet += 1;
        return 'retry';
      }
      return { fail: 'refused' };
    },
  );
}

/** The fee in cash at the counter, once: a retry first reads whether an earlier attempt recorded it. */
async function payAtCounter(ctx: DriveContext, index: number, code: string): Promise<void> {
  const officer = { 'X-User-Id': 'motcua.saigon' };
  await persist(
    ctx,
    `dossier #${index} ${code} fee`,
    async () => {
      const view = await http('GET', `${ctx.baseUrl}/api/v1/dossiers/${code}/payments`, { headers: officer });
      if (view.status !== 200 || view.body.feeStatus === null) return view.status === 200 ? { ...view, status: 503 } : view;
      if (view.body.feeStatus !== 'unpaid') return view;
      return http('POST', `${ctx.baseUrl}/api/v1/dossiers/${code}/payments`, { body: { method: 'cash', amountVnd: view.body.feeDueVnd }, headers: officer });
    },
    (a) => {
      if (a.status === 201) return 'done';
      if (a.status === 200 && (a.body.feeStatus === 'paid' || a.body.feeStatus === 'none')) return 'done';
      // Recorded by an attempt whose answer was lost: read again.
      if (a.status === 409) return 'retry';
      return { fail: 'refused' };
    },
  );
}

/**
 * The happy path of the sample procedure (household business registration, fee before
 * processing, e-result online): submission, intake, the fee at the counter, the assigned
 * specialist's proposal, the leader's approval. The workflow then issues and delivers the
 * result and completes on its own.
 */
export async function driveToApproval(ctx: DriveContext, index: number, applicant: Applicant): Promise<{ code: string; key: string }> {
  const { code, key } = await submit(ctx, index, applicant);
  const accepted = await officerAction(ctx, index, code, 'accept', 'intake/accept', 'motcua.saigon');
  let assignee: number | undefined = accepted.body.assignee?.userId;
  if (!assignee) {
    // Issue 18: the acceptance answers once received; the specialist is assigned right after it.
    const view = await persist(ctx, `dossier #${index} view`, () => http('GET', `${ctx.baseUrl}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': 'motcua.saigon' } }), (a) => (a.status === 200 && a.body.assignee ? 'done' : 'retry'));
    assignee = view.body.assignee.userId;
  }
  await payAtCounter(ctx, index, code);
  await officerAction(ctx, index, code, 'proposal', 'review/proposal', String(assignee), { proposal: 'approve' });
  const decided = await officerAction(ctx, index, code, 'decision', 'decision', 'lanhdao.saigon', { decision: 'approve' });
  if (!decided.body.resultNumber) ctx.anomalies.push(`${code}: approved without a result number`);
  return { code, key };
}

/** Runs `task` over 0..count-1 with at most `concurrency` at a time; collects failures instead of stopping at the first. */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<{ results: Array<T | undefined>; errors: string[] }> {
  const results: Array<T | undefined> = new Array(count);
  const errors: string[] = [];
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      try {
        results[i] = await task(i);
      } catch (err) {
        errors.push(`#${i}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { results, errors };
}

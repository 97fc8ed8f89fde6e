import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { recordDossierEvent, refreshProcessingFacts } from '../../db/repositories/dossier-events';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import { indicatorCounts } from '../../db/repositories/supervision';
import { officerToken, http } from '../helpers/stack';

/**
 * Supervisor API on a seeded dataset with known answers. Two agencies of our own (other
 * suites share the database and file dossiers in the seeded ones), our own officers, and
 * dossiers written straight into the read model, event log and process-control sheet with
 * fixed 2026 instants, their QĐ 766 facts then filled from the log as the migration that added
 * them does for existing data (refreshProcessingFacts). Every expected number below is worked out
 * by hand in the comments: the same figures the report gave when it read the event log itself.
 *
 * Calendar: VN-STATE, Mon–Fri 07:30–11:30 and 13:00–17:00 (8 working hours a day), no
 * holiday between 26 Feb and 1 Apr 2026. Times are local (UTC+7).
 * - Worklists are read as of Wed 18 Mar 2026 10:00 (W).
 * - Periods are March 2026: from 2026-03-01 to 2026-04-01 (local midnights), as of 10 Apr.
 */

const A = { eid: '000.99.71.H29', name: 'Phòng Thử nghiệm Giám sát, "Một cửa" A' };
const B = { eid: '000.99.72.H29', name: 'Phòng Thử nghiệm Giám sát B' };
/** Nobody supervises C: its dossiers are A's and B's again, written through recordDossierEvent. */
const C = { eid: '000.99.73.H29', name: 'Phòng Thử nghiệm Giám sát C' };
const W = '2026-03-18T10:00:00+07:00';
const MARCH = 'from=2026-03-01&to=2026-04-01&asOf=2026-04-10T09:00:00%2B07:00';

/** A local instant of 2026: at('03-18 10:00'). */
const at = (s: string) => new Date(`2026-${s.slice(0, 5)}T${s.slice(6)}:00+07:00`);
const iso = (s: string) => `2026-${s.slice(0, 5)}T${s.slice(6)}:00+07:00`;

type Officer = 'cv1' | 'cv2';

interface DossierSeed {
  code: string;
  agency: 'A' | 'B';
  procedure: 'KT-HKD' | 'CA-TAMTRU' | 'GS-KHONGVB';
  channel: 'counter' | 'online' | 'postal';
  delivery: 'counter' | 'online' | 'postal';
  status: string;
  assignee?: Officer;
  submitted?: string;
  received?: string;
  dueAt?: string;
  appointment?: string;
  apology?: string;
  paused?: string;
  state?: string;
  supplements?: number;
  fee?: number;
  feeStatus?: 'none' | 'unpaid' | 'paid';
  /** [type, from status, to status, local time] in order. */
  events: Array<[string, string | null, string, string]>;
  handoffs?: Array<{ step: string; receiver: Officer | null; opened: string; due: string | null; done?: string; outcome?: 'early' | 'on_time' | 'late' | null }>;
  payments?: Array<{ method: 'online' | 'cash' | 'transfer'; status: 'paid' | 'failed'; at: string; amount: number }>;
  result?: { kind: 'result' | 'denial_notice' | 'stop_notice'; issued: string };
}

const RECEIVE = (t: string): [string, string | null, string, string] => ['intake_accepted', 'SUBMITTED', 'RECEIVED', t];
const ASSIGN = (t: string): [string, string | null, string, string] => ['assigned', 'RECEIVED', 'IN_REVIEW', t];
const PROPOSE = (t: string): [string, string | null, string, string] => ['decision_proposed', 'IN_REVIEW', 'AWAITING_DECISION', t];
const APPROVE = (t: string): [string, string | null, string, string] => ['approved', 'AWAITING_DECISION', 'APPROVED', t];

const DOSSIERS: DossierSeed[] = [
  // ---------------- open at W (the worklists) ----------------
  // O1: due later today → due_today; flagged at risk; online, paid online.
  {
    code: `${A.eid}-260313-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'online', delivery: 'online', status: 'IN_REVIEW', assignee: 'cv1',
    received: '03-13 08:00', dueAt: '03-18 15:00', appointment: '03-18 15:00', state: 'at_risk', fee: 50_000, feeStatus: 'paid',
    events: [RECEIVE('03-13 08:00'), ASSIGN('03-13 09:00')],
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '03-13 09:00', due: '03-18 15:00' }],
    payments: [{ method: 'online', status: 'paid', at: '03-13 07:50', amount: 50_000 }],
  },
  // O2: legal due this morning (08:00 < W) → overdue by 2.0 working hours; re-appointed to 25 Mar
  // with an apology, yet the worklist and statistics keep the legal due date.
  {
    code: `${A.eid}-260312-0001`, agency: 'A', procedure: 'CA-TAMTRU', channel: 'counter', delivery: 'counter', status: 'AWAITING_DECISION', assignee: 'cv2',
    received: '03-12 08:00', dueAt: '03-18 08:00', appointment: '03-25 17:00', apology: '03-16 09:00', state: 'overdue', fee: 15_000, feeStatus: 'paid',
    events: [RECEIVE('03-12 08:00'), ASSIGN('03-12 09:00'), PROPOSE('03-16 10:00')],
    handoffs: [{ step: 'decision', receiver: null, opened: '03-16 10:00', due: '03-18 08:00' }],
    payments: [{ method: 'cash', status: 'paid', at: '03-12 08:00', amount: 15_000 }],
  },
  // O3: an older row without due_at: its appointment (Mon 16 Mar 14:00) is the due date →
  // overdue by 3 h (16 Mar) + 8 h (17 Mar) + 2.5 h (18 Mar 07:30–10:00) = 13.5 working hours.
  {
    code: `${A.eid}-260311-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'counter', delivery: 'counter', status: 'IN_REVIEW', assignee: 'cv1',
    received: '03-11 08:00', appointment: '03-16 14:00', fee: 100_000, feeStatus: 'paid',
    events: [RECEIVE('03-11 08:00'), ASSIGN('03-11 09:00')],
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '03-11 09:00', due: '03-16 14:00' }],
    payments: [{ method: 'cash', status: 'paid', at: '03-11 08:00', amount: 100_000 }],
  },
  // O4: waiting for the citizen's supplement since 17 Mar 09:00 (clock paused): past its due date
  // but not overdue. For the period statistics its end of processing is the request (waiting rule).
  {
    code: `${A.eid}-260312-0002`, agency: 'A', procedure: 'CA-TAMTRU', channel: 'online', delivery: 'online', status: 'SUPPLEMENT_REQUESTED', assignee: 'cv2',
    received: '03-12 08:00', dueAt: '03-17 11:00', appointment: '03-17 11:00', paused: '03-17 09:00', state: 'paused', supplements: 1, fee: 10_000, feeStatus: 'paid',
    events: [RECEIVE('03-12 08:00'), ASSIGN('03-12 09:00'), ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '03-17 09:00']],
    handoffs: [{ step: 'citizen_supplement', receiver: null, opened: '03-17 09:00', due: '03-31 17:00' }],
    payments: [{ method: 'online', status: 'paid', at: '03-12 07:30', amount: 10_000 }],
  },
  // O5 (agency B): due Fri 20 Mar 09:00, inside "2 working days" (until 20 Mar 10:00).
  {
    code: `${B.eid}-260317-0001`, agency: 'B', procedure: 'CA-TAMTRU', channel: 'counter', delivery: 'counter', status: 'IN_REVIEW', assignee: 'cv2',
    received: '03-17 08:00', dueAt: '03-20 09:00', appointment: '03-20 09:00', state: 'running', fee: 15_000, feeStatus: 'paid',
    events: [RECEIVE('03-17 08:00'), ASSIGN('03-17 09:00')],
    handoffs: [{ step: 'review', receiver: 'cv2', opened: '03-17 09:00', due: '03-20 09:00' }],
    payments: [{ method: 'cash', status: 'paid', at: '03-17 08:00', amount: 15_000 }],
  },
  // O6: not yet assigned, due Mon 23 Mar 16:00: outside 2 working days, inside 4 (until 24 Mar 10:00).
  {
    code: `${A.eid}-260318-0001`, agency: 'A', procedure: 'CA-TAMTRU', channel: 'counter', delivery: 'counter', status: 'RECEIVED',
    received: '03-18 08:00', dueAt: '03-23 16:00', appointment: '03-23 16:00', state: 'running', fee: 15_000, feeStatus: 'unpaid',
    events: [RECEIVE('03-18 08:00')],
    handoffs: [{ step: 'assignment', receiver: null, opened: '03-18 08:00', due: null }],
  },
  // O7: received the day after W, so in no worklist as of W (even flagged at risk); its online
  // payment came on 3 Apr, after March, so it does not count for 3.6 in March.
  {
    code: `${A.eid}-260319-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'online', delivery: 'online', status: 'IN_REVIEW', assignee: 'cv1',
    received: '03-19 08:00', dueAt: '03-24 17:00', appointment: '03-24 17:00', state: 'at_risk', fee: 50_000, feeStatus: 'paid',
    events: [RECEIVE('03-19 08:00'), ASSIGN('03-19 09:00')],
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '03-19 09:00', due: '03-24 17:00' }],
    payments: [{ method: 'online', status: 'paid', at: '04-03 09:00', amount: 50_000 }],
  },

  // ---------------- ended (the period statistics) ----------------
  // F1: approved Wed 4 Mar 10:00, due Thu 5 Mar 09:00 → early. Online with an e-result.
  {
    code: `${A.eid}-260302-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'online', delivery: 'online', status: 'COMPLETED', assignee: 'cv1',
    received: '03-02 09:00', dueAt: '03-05 09:00', appointment: '03-05 09:00', state: 'stopped', fee: 50_000, feeStatus: 'paid',
    events: [RECEIVE('03-02 09:00'), ASSIGN('03-02 09:30'), PROPOSE('03-03 16:00'), APPROVE('03-04 10:00'),
      ['result_delivered_online', 'APPROVED', 'RESULT_DELIVERED', '03-04 10:05'], ['completed', 'RESULT_DELIVERED', 'COMPLETED', '03-04 10:05']],
    handoffs: [
      { step: 'review', receiver: 'cv1', opened: '03-02 09:30', due: '03-04 09:00', done: '03-03 16:00', outcome: 'early' },
      { step: 'decision', receiver: null, opened: '03-03 16:00', due: '03-05 09:00', done: '03-04 10:00', outcome: 'early' },
    ],
    payments: [{ method: 'online', status: 'paid', at: '03-02 08:30', amount: 50_000 }],
    result: { kind: 'result', issued: '03-04 10:00' },
  },
  // F2: approved Fri 6 Mar 10:00, due the same day 11:00 → on time. Counter delivery.
  {
    code: `${A.eid}-260303-0001`, agency: 'A', procedure: 'CA-TAMTRU', channel: 'counter', delivery: 'counter', status: 'RESULT_DELIVERED', assignee: 'cv2',
    received: '03-03 08:00', dueAt: '03-06 11:00', appointment: '03-06 11:00', state: 'stopped', fee: 15_000, feeStatus: 'paid',
    events: [RECEIVE('03-03 08:00'), ASSIGN('03-03 09:00'), PROPOSE('03-05 10:00'), APPROVE('03-06 10:00'), ['result_handed_over', 'APPROVED', 'RESULT_DELIVERED', '03-06 14:00']],
    handoffs: [
      // No due date on the assignment step: not in any on-time count.
      { step: 'assignment', receiver: 'cv2', opened: '03-03 08:00', due: null, done: '03-03 09:00', outcome: null },
      { step: 'review', receiver: 'cv2', opened: '03-03 09:00', due: '03-05 11:00', done: '03-05 10:00', outcome: 'on_time' },
      { step: 'decision', receiver: null, opened: '03-05 10:00', due: '03-06 11:00', done: '03-06 10:00', outcome: 'on_time' },
    ],
    payments: [{ method: 'cash', status: 'paid', at: '03-03 08:00', amount: 15_000 }],
    result: { kind: 'result', issued: '03-06 10:00' },
  },
  // F3: legal due Thu 12 Mar 08:00, apology and new appointment Mon 16 Mar; approved Fri 13 Mar
  // 15:00 — before the new appointment but after the legal due date → still late.
  {
    code: `${A.eid}-260309-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'online', delivery: 'online', status: 'COMPLETED', assignee: 'cv1',
    received: '03-09 08:00', dueAt: '03-12 08:00', appointment: '03-16 17:00', apology: '03-11 09:00', state: 'stopped', fee: 50_000, feeStatus: 'paid',
    events: [RECEIVE('03-09 08:00'), ASSIGN('03-09 09:00'), PROPOSE('03-12 09:00'), APPROVE('03-13 15:00'),
      ['result_delivered_online', 'APPROVED', 'RESULT_DELIVERED', '03-13 15:05'], ['completed', 'RESULT_DELIVERED', 'COMPLETED', '03-13 15:05']],
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '03-09 09:00', due: '03-11 08:00', done: '03-12 09:00', outcome: 'late' }],
    payments: [{ method: 'online', status: 'paid', at: '03-09 07:45', amount: 50_000 }],
    result: { kind: 'result', issued: '03-13 15:00' },
  },
  // F4: two supplement requests → late although denied (16 Mar 10:00) well before its due date.
  // Processing time: 34 h from receipt to the denial, less the citizen's 11.5 h + 6 h = 16.5 h.
  {
    code: `${A.eid}-260310-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'counter', delivery: 'counter', status: 'DENIED', assignee: 'cv2',
    received: '03-10 08:00', dueAt: '03-20 17:00', appointment: '03-20 17:00', state: 'stopped', supplements: 2, fee: 100_000, feeStatus: 'unpaid',
    events: [RECEIVE('03-10 08:00'), ASSIGN('03-10 09:00'),
      ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '03-10 14:00'], ['supplement_submitted', 'SUPPLEMENT_REQUESTED', 'IN_REVIEW', '03-12 08:00'],
      ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '03-12 10:00'], ['supplement_submitted', 'SUPPLEMENT_REQUESTED', 'IN_REVIEW', '03-13 08:00'],
      PROPOSE('03-16 09:00'), ['denied', 'AWAITING_DECISION', 'DENIED', '03-16 10:00']],
    handoffs: [
      // The citizen's own step: left out of the officers' and steps' rates.
      { step: 'citizen_supplement', receiver: null, opened: '03-10 14:00', due: '03-20 17:00', done: '03-12 08:00', outcome: 'early' },
      { step: 'review', receiver: 'cv2', opened: '03-13 08:00', due: '03-18 17:00', done: '03-16 09:00', outcome: 'early' },
    ],
    payments: [{ method: 'online', status: 'failed', at: '03-10 07:30', amount: 100_000 }],
    result: { kind: 'denial_notice', issued: '03-16 10:00' },
  },
  // F5 (agency B): withdrawn Tue 17 Mar 09:00, due Thu 19 Mar → early (a stop ends processing).
  {
    code: `${B.eid}-260316-0001`, agency: 'B', procedure: 'CA-TAMTRU', channel: 'postal', delivery: 'postal', status: 'WITHDRAWN', assignee: 'cv2',
    received: '03-16 08:00', dueAt: '03-19 08:00', appointment: '03-19 08:00', state: 'stopped', fee: 15_000, feeStatus: 'paid',
    events: [RECEIVE('03-16 08:00'), ASSIGN('03-16 08:30'), ['withdrawn', 'IN_REVIEW', 'WITHDRAWN', '03-17 09:00']],
    // Outcome never stored (older row): computed, early (17 Mar before 18 Mar).
    handoffs: [{ step: 'review', receiver: 'cv2', opened: '03-16 08:30', due: '03-18 17:00', done: '03-17 09:00', outcome: null }],
    payments: [{ method: 'transfer', status: 'paid', at: '03-16 08:00', amount: 15_000 }],
  },
  // F6: closed for want of the supplement (27 Mar); the end of processing is the request,
  // Thu 12 Mar 09:00, before the due date Mon 16 Mar → early. Submitted online, result at the counter.
  {
    code: `${A.eid}-260311-0002`, agency: 'A', procedure: 'CA-TAMTRU', channel: 'online', delivery: 'counter', status: 'CLOSED_UNSUPPLEMENTED', assignee: 'cv1',
    received: '03-11 08:00', dueAt: '03-16 08:00', appointment: '03-16 08:00', state: 'stopped', supplements: 1, fee: 10_000, feeStatus: 'paid',
    events: [RECEIVE('03-11 08:00'), ASSIGN('03-11 08:30'), ['supplement_requested', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', '03-12 09:00'],
      ['closed_unsupplemented', 'SUPPLEMENT_REQUESTED', 'CLOSED_UNSUPPLEMENTED', '03-27 17:00']],
    payments: [{ method: 'online', status: 'paid', at: '03-11 07:30', amount: 10_000 }],
  },
  // F7: received and approved in February: outside March everywhere.
  {
    code: `${A.eid}-260225-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'counter', delivery: 'counter', status: 'COMPLETED', assignee: 'cv1',
    received: '02-25 08:00', dueAt: '03-02 08:00', appointment: '03-02 08:00', state: 'stopped', fee: 100_000, feeStatus: 'paid',
    events: [RECEIVE('02-25 08:00'), ASSIGN('02-25 09:00'), PROPOSE('02-26 15:00'), APPROVE('02-27 10:00')],
    result: { kind: 'result', issued: '02-27 10:00' },
  },
  // F8: received in February, approved Mon 2 Mar 09:00, due Tue 3 Mar → early, in March's
  // statistics but not among March's receipts (3.3, 3.6).
  {
    code: `${A.eid}-260226-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'counter', delivery: 'counter', status: 'COMPLETED', assignee: 'cv1',
    received: '02-26 08:00', dueAt: '03-03 08:00', appointment: '03-03 08:00', state: 'stopped', fee: 100_000, feeStatus: 'paid',
    events: [RECEIVE('02-26 08:00'), ASSIGN('02-26 09:00'), PROPOSE('02-27 16:00'), APPROVE('03-02 09:00')],
    // Closed in February: not in March's hand-off rates.
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '02-26 09:00', due: '02-27 17:00', done: '02-27 16:00', outcome: 'early' }],
    payments: [{ method: 'cash', status: 'paid', at: '02-26 08:00', amount: 100_000 }],
    result: { kind: 'result', issued: '03-02 09:00' },
  },
  // F9 (agency B): a procedure whose result is not a document (left out of 4.1), no fee; early.
  {
    code: `${B.eid}-260319-0001`, agency: 'B', procedure: 'GS-KHONGVB', channel: 'online', delivery: 'online', status: 'COMPLETED', assignee: 'cv2',
    received: '03-19 08:00', dueAt: '03-24 08:00', appointment: '03-24 08:00', state: 'stopped', fee: 0, feeStatus: 'none',
    events: [RECEIVE('03-19 08:00'), ASSIGN('03-19 09:00'), PROPOSE('03-19 15:00'), APPROVE('03-20 10:00')],
    result: { kind: 'result', issued: '03-20 10:00' },
  },
  // F10: received 30 Mar, approved 1 Apr 16:00 — after March. At the end of March it was still
  // being processed with its due date (2 Apr) not passed: on time for 2.1.
  {
    code: `${A.eid}-260330-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'counter', delivery: 'counter', status: 'APPROVED', assignee: 'cv1',
    received: '03-30 08:00', dueAt: '04-02 08:00', appointment: '04-02 08:00', state: 'stopped', fee: 100_000, feeStatus: 'paid',
    events: [RECEIVE('03-30 08:00'), ASSIGN('03-30 09:00'), PROPOSE('04-01 09:00'), APPROVE('04-01 16:00')],
    // Closed on 1 Apr: not in March's hand-off rates.
    handoffs: [{ step: 'review', receiver: 'cv1', opened: '03-30 09:00', due: '03-31 17:00', done: '04-01 09:00', outcome: 'late' }],
    payments: [{ method: 'cash', status: 'paid', at: '03-30 08:00', amount: 100_000 }],
    result: { kind: 'result', issued: '04-01 16:00' },
  },
  // R1: refused at intake, never received: excluded everywhere, its late intake hand-off too.
  {
    code: `${A.eid}-260305-0001`, agency: 'A', procedure: 'KT-HKD', channel: 'online', delivery: 'online', status: 'REFUSED_AT_INTAKE',
    submitted: '03-05 08:00',
    events: [['submitted', null, 'SUBMITTED', '03-05 08:00'], ['intake_refused', 'SUBMITTED', 'REFUSED_AT_INTAKE', '03-06 09:00']],
    handoffs: [{ step: 'intake', receiver: 'cv1', opened: '03-05 08:00', due: '03-05 17:00', done: '03-06 09:00', outcome: 'late' }],
  },
];

describe('Supervisor API: worklists, on-time rates and QĐ 766 indicators', () => {
  let db: Knex;
  let server: Server;
  let base: string;
  const users: Record<string, number> = {};

  const get = (path: string, user: string | null = 'gs.giamsat', headers: Record<string, string> = {}) =>
    http('GET', `${base}/api/v1/supervision/${path}`, { headers: { ...(user ? { 'X-User-Id': user } : {}), ...headers } });
  const codes = (body: { dossiers: Array<{ code: string }> }) => body.dossiers.map((d) => d.code);
  const code = (n: number) => DOSSIERS[n]!.code;
  const [O1, O2, O3, O4, O5, O6] = [0, 1, 2, 3, 4, 5].map(code);

  beforeAll(async () => {
    db = createDb(inject('databaseUrl'));
    await seed(db, users);
    // The supervisor routes need neither Temporal nor Redis.
    const app = createApp({ db, redis: {} as Redis, temporal: {} as Client, taskQueue: 'supervision-unused' });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await db?.destroy();
  });

  describe('worklists (as of Wed 18 Mar 2026 10:00)', () => {
    const list = (query: string, user?: string) => get(`dossiers?asOf=${encodeURIComponent(W)}&${query}`, user);

    it('due_today: due later today; what is already past today is overdue instead', async () => {
      const r = await list('view=due_today');
      expect(r.status).toBe(200);
      expect(codes(r.body)).toEqual([O1]);
      expect(r.body.dossiers[0]).toEqual({
        code: O1,
        agency: A,
        procedure: { code: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh' },
        status: { code: 'IN_REVIEW', label: 'Đang xử lý' },
        assignee: { id: users['gs.cv1'], username: 'gs.cv1', name: 'Chuyên Viên Một' },
        currentStep: { step: 'review', label: 'Thẩm định, xử lý hồ sơ', dueAt: iso('03-18 15:00') },
        receivedAt: iso('03-13 08:00'),
        dueAt: iso('03-18 15:00'),
        appointmentAt: iso('03-18 15:00'),
        reappointed: false,
        deadlineState: 'at_risk',
        overdueBy: null,
        pausedSince: null,
      });
    });

    it('due_within N working days, on each agency calendar; ended dossiers are not listed', async () => {
      // 2 working days from W: 5.5 h left on 18 Mar, 8 h on 19 Mar, 2.5 h on 20 Mar → 20 Mar 10:00.
      const two = await list('view=due_within&days=2');
      expect(two.body.windows).toEqual([
        { agency: A.eid, until: '2026-03-20T10:00:00+07:00' },
        { agency: B.eid, until: '2026-03-20T10:00:00+07:00' },
      ]);
      expect(codes(two.body)).toEqual([O1, O5]);
      // 4 working days → Tue 24 Mar 10:00 (the weekend skipped): O6 (23 Mar 16:00) too. F4 (denied,
      // due 20 Mar) and F9 (completed) would fall in the window but have ended.
      const four = await list('view=due_within&days=4');
      expect(codes(four.body)).toEqual([O1, O5, O6]);
      expect(four.body.total).toBe(3);
      expect(four.body.counts).toEqual({
        agency: [
          { key: A.eid, name: A.name, count: 2 },
          { key: B.eid, name: B.name, count: 1 },
        ],
        procedure: [
          { key: 'CA-TAMTRU', name: 'Đăng ký tạm trú', count: 2 },
          { key: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh', count: 1 },
        ],
        officer: [
          { key: 'gs.cv1', name: 'Chuyên Viên Một', count: 1 },
          { key: 'gs.cv2', name: 'Chuyên Viên Hai', count: 1 },
          { key: null, name: null, count: 1 },
        ],
        step: [
          { key: 'review', name: 'Thẩm định, xử lý hồ sơ', count: 2 },
          { key: 'assignment', name: 'Phân công xử lý', count: 1 },
        ],
      });
      // 0 days: only what is due at W itself.
      expect(codes((await list('view=due_within&days=0')).body)).toEqual([]);
    });

    it('overdue: past due with the clock running, by working hours, the legal due date kept after an apology', async () => {
      const r = await list('view=overdue');
      // O3 due 16 Mar 14:00 (its appointment: no due_at), O2 due 18 Mar 08:00; O4 is past due but paused.
      expect(codes(r.body)).toEqual([O3, O2]);
      const [o3, o2] = r.body.dossiers;
      expect(o3).toMatchObject({ dueAt: iso('03-16 14:00'), overdueBy: 13.5, reappointed: false, currentStep: { step: 'review' } });
      // O2 was re-appointed to 25 Mar: it is still listed against its legal due date, 2 working hours late.
      expect(o2).toMatchObject({ dueAt: iso('03-18 08:00'), appointmentAt: iso('03-25 17:00'), reappointed: true, overdueBy: 2, assignee: { username: 'gs.cv2' } });
      expect(o2.currentStep).toEqual({ step: 'decision', label: 'Phê duyệt kết quả', dueAt: iso('03-18 08:00') });
    });

    it('paused and at_risk', async () => {
      const paused = await list('view=paused');
      expect(codes(paused.body)).toEqual([O4]);
      expect(paused.body.dossiers[0]).toMatchObject({ pausedSince: iso('03-17 09:00'), overdueBy: null, currentStep: { step: 'citizen_supplement' } });
      // O7 is flagged at risk too but was received after W.
      expect(codes((await list('view=at_risk')).body)).toEqual([O1]);
    });

    it('at_risk as of the moment asked, not as the read model is flagged now', async () => {
      const atRisk = async (asOf: string) => {
        const r = await get(`dossiers?view=at_risk&asOf=${encodeURIComponent(asOf)}`);
        expect(r.status).toBe(200);
        expect(r.body.asOf).toBe(asOf);
        return codes(r.body);
      };
      // Tue 17 Mar 10:00: O1 (due 18 Mar 15:00, flagged at risk) is 12.5 working hours away, outside
      // KT-HKD's 8 hours of warning; O4 (due 17 Mar 11:00, paused at 09:00) is paused.
      expect(await atRisk('2026-03-17T10:00:00+07:00')).toEqual([]);
      // Wed 18 Mar 08:00: O1 is 6 working hours away → at risk; O2 (legal due 08:00) is due at
      // that very minute and re-appointed to 25 Mar: not at risk.
      expect(await atRisk('2026-03-18T08:00:00+07:00')).toEqual([O1]);
      // Thu 19 Mar 10:00: O1 is overdue now, not at risk; O5 (agency B, flagged running, due Fri
      // 20 Mar 09:00) is 7 working hours away → at risk; O7 (received 19 Mar 08:00, due 24 Mar) is not.
      expect(await atRisk('2026-03-19T10:00:00+07:00')).toEqual([O5]);
      const overdue = await get(`dossiers?view=overdue&asOf=${encodeURIComponent('2026-03-19T10:00:00+07:00')}`);
      expect(codes(overdue.body)).toContain(O1);
    });

    it('filters by procedure, officer (username or id), current step and agency', async () => {
      expect(codes((await list('view=overdue&officer=gs.cv1')).body)).toEqual([O3]);
      expect(codes((await list(`view=overdue&officer=${users['gs.cv2']}`)).body)).toEqual([O2]);
      expect(codes((await list('view=overdue&procedure=CA-TAMTRU')).body)).toEqual([O2]);
      expect(codes((await list('view=overdue&step=decision')).body)).toEqual([O2]);
      const b = await list(`view=due_within&days=4&agency=${B.eid}`);
      expect(codes(b.body)).toEqual([O5]);
      expect(b.body.agencies).toEqual([B]);
      expect(b.body.filters).toEqual({ procedure: null, officer: null, step: null });
    });

    it('scopes a leader to the agencies they lead; admins may name any agency', async () => {
      // gs.lanhdao leads agency A only: without an agency parameter, B's O5 is not listed.
      const lead = await list('view=due_within&days=4', 'gs.lanhdao');
      expect(lead.status).toBe(200);
      expect(codes(lead.body)).toEqual([O1, O6]);
      const admin = await list(`view=overdue&agency=${A.eid}`, 'quantri');
      expect(admin.status).toBe(200);
      expect(codes(admin.body)).toEqual([O3, O2]);
    });

    it('exports CSV for Excel: BOM, header, RFC 4180 quoting', async () => {
      const res = await fetch(`${base}/api/v1/supervision/dossiers?asOf=${encodeURIComponent(W)}&view=overdue&format=csv`, { headers: { Authorization: `Bearer ${await officerToken('gs.giamsat')}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="supervision-overdue-2026-03-18.csv"');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines).toEqual([
        'code,agency_eid,agency_name,procedure_code,procedure_name,status,status_label,assignee_id,assignee_name,current_step,step_due_at,received_at,due_at,appointment_at,reappointed,overdue_by_working_hours,paused_since',
        // The agency's name holds a comma and quotes: quoted, inner quotes doubled.
        `${O3},${A.eid},"Phòng Thử nghiệm Giám sát, ""Một cửa"" A",KT-HKD,Đăng ký thành lập hộ kinh doanh,IN_REVIEW,Đang xử lý,${users['gs.cv1']},Chuyên Viên Một,review,2026-03-16T14:00:00+07:00,2026-03-11T08:00:00+07:00,2026-03-16T14:00:00+07:00,2026-03-16T14:00:00+07:00,false,13.5,`,
        `${O2},${A.eid},"Phòng Thử nghiệm Giám sát, ""Một cửa"" A",CA-TAMTRU,Đăng ký tạm trú,AWAITING_DECISION,Chờ lãnh đạo phê duyệt,${users['gs.cv2']},Chuyên Viên Hai,decision,2026-03-18T08:00:00+07:00,2026-03-12T08:00:00+07:00,2026-03-18T08:00:00+07:00,2026-03-25T17:00:00+07:00,true,2,`,
        '',
      ]);
    });
  });

  describe('worklist pages: limit, keyset cursor, counts over the whole list, CSV of every row', () => {
    // An agency of this block alone, listed by the admin: A's and B's figures above stay as they are.
    const D = { eid: '000.99.74.H29', name: 'Phòng Thử nghiệm Giám sát D (phân trang)' };
    const dc = (s: string) => `${D.eid}-${s}`;
    // At risk as of W (not yet due, the appointment within KT-HKD's 8 working hours of warning,
    // until Thu 19 Mar 10:00), in the order the list must give (due asc, then code): K7 due by its
    // appointment alone (18 Mar 11:00); K2, K3, K4 due 18 Mar 14:00, by code; K1 half a
    // millisecond later (a due date no JavaScript Date holds: the cursor must keep it exactly).
    // K0 and K6 are flagged at risk in the read model but have no due date: not at risk as of W.
    const AT_RISK = ['K7', 'K2', 'K3', 'K4', 'K1'].map(dc);
    // Paused: more than two CSV batches (500 rows each), many sharing a due date, some without one.
    const PAUSED = Array.from({ length: 1_100 }, (_, i) => ({
      code: dc(`P${String(i).padStart(4, '0')}`),
      due: i % 50 === 7 ? null : new Date(at('03-20 10:00').getTime() + ((i * 7) % 37) * 60_000),
    }));
    const PAUSED_ORDER = [...PAUSED]
      .sort((x, y) => (x.due === null ? 1 : 0) - (y.due === null ? 1 : 0) || (x.due?.getTime() ?? 0) - (y.due?.getTime() ?? 0) || (x.code < y.code ? -1 : 1))
      .map((p) => p.code);
    let agencyId = 0;

    const list = (query: string) => get(`dossiers?agency=${D.eid}&asOf=${encodeURIComponent(W)}&${query}`, 'quantri');
    /** Every page of a list, following nextCursor. */
    const walk = async (query: string, limit: number) => {
      const pages: any[] = [];
      let cursor: string | null = null;
      do {
        const r = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        pages.push(r.body);
        cursor = r.body.nextCursor;
      } while (cursor !== null && pages.length <= 1_100);
      return pages;
    };

    beforeAll(async () => {
      const calendar = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
      [{ id: agencyId }] = await db('agencies').insert({ eid: D.eid, name: D.name, level: 'commune', calendar_id: calendar.id }).returning('id');
      const procedure = await db('procedures').where({ code: 'KT-HKD' }).first('id');
      const due = at('03-18 14:00');
      const row = (code: string, o: Record<string, unknown>) => ({
        code,
        workflow_id: `dossier-${code}`,
        procedure_id: procedure.id,
        agency_id: agencyId,
        channel: 'counter',
        delivery_method: 'counter',
        status: 'IN_REVIEW',
        applicant_full_name: 'Nguyễn Thị Thử',
        applicant_id_number: '079000000001',
        submitted_at: at('03-10 08:00'),
        received_at: at('03-10 08:00'),
        calendar_code: 'VN-STATE',
        deadline_state: 'at_risk',
        ...o,
      });
      const rows: Array<{ id: number; code: string }> = await db('dossiers')
        .insert([
          row(dc('K7'), { appointment_at: at('03-18 11:00') }),
          row(dc('K4'), { due_at: due, appointment_at: due, assignee_id: users['gs.cv2'] }),
          row(dc('K3'), { due_at: due, appointment_at: due, assignee_id: users['gs.cv1'] }),
          row(dc('K2'), { due_at: due, appointment_at: due, assignee_id: users['gs.cv1'] }),
          row(dc('K1'), { due_at: db.raw(`?::timestamptz + interval '500 microseconds'`, [due.toISOString()]), appointment_at: due }),
          row(dc('K6'), {}),
          row(dc('K0'), {}),
          ...PAUSED.map((p) => row(p.code, { status: 'SUPPLEMENT_REQUESTED', deadline_state: 'paused', clock_paused_at: at('03-17 09:00'), due_at: p.due, appointment_at: p.due })),
        ])
        .returning(['id', 'code']);
      const id = (c: string) => rows.find((r) => r.code === dc(c))!.id;
      await db('dossier_handoffs').insert(
        (
          [
            ['K2', 'review'],
            ['K1', 'review'],
            ['K7', 'decision'],
          ] as const
        ).map(([c, step]) => ({ dossier_id: id(c), opened_seq: 1, step, giver_unit: 'Bộ phận Một cửa', receiver_unit: 'Chuyên viên', received_at: at('03-10 09:00'), due_at: due })),
      );
    });

    afterAll(async () => {
      const ids = db('dossiers').where('agency_id', agencyId).select('id');
      await db('dossier_handoffs').whereIn('dossier_id', ids).delete();
      await db('dossiers').where('agency_id', agencyId).delete();
      await db('agencies').where('id', agencyId).delete();
    });

    it('walks every row once, in order, whatever the page size; the counts are the whole list’s on every page', async () => {
      const whole = await list('view=at_risk');
      expect(whole.status).toBe(200);
      // Default: 100 a page, here all of them.
      expect(whole.body).toMatchObject({ limit: 100, nextCursor: null, total: 5 });
      expect(codes(whole.body)).toEqual(AT_RISK);
      expect(whole.body.counts).toEqual({
        agency: [{ key: D.eid, name: D.name, count: 5 }],
        procedure: [{ key: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh', count: 5 }],
        officer: [
          { key: 'gs.cv1', name: 'Chuyên Viên Một', count: 2 },
          { key: null, name: null, count: 2 },
          { key: 'gs.cv2', name: 'Chuyên Viên Hai', count: 1 },
        ],
        step: [
          { key: 'review', name: 'Thẩm định, xử lý hồ sơ', count: 2 },
          { key: null, name: null, count: 2 },
          { key: 'decision', name: 'Phê duyệt kết quả', count: 1 },
        ],
      });
      for (const limit of [1, 2, 3, 5, 6]) {
        const pages = await walk('view=at_risk', limit);
        expect(pages).toHaveLength(Math.ceil(5 / limit));
        expect(pages.flatMap((p) => codes(p))).toEqual(AT_RISK);
        for (const p of pages) {
          expect(p.dossiers.length).toBeLessThanOrEqual(limit);
          expect(p.limit).toBe(limit);
          expect(p.total).toBe(5);
          expect(p.counts).toEqual(whole.body.counts);
        }
        expect(pages.at(-1).nextCursor).toBeNull();
      }
      // With a filter: the pages and the counts are the filtered list's.
      const review = await walk('view=at_risk&step=review', 1);
      expect(review.flatMap((p) => codes(p))).toEqual([dc('K2'), dc('K1')]);
      expect(review.map((p) => p.total)).toEqual([2, 2]);
      expect(review[0].counts.step).toEqual([{ key: 'review', name: 'Thẩm định, xử lý hồ sơ', count: 2 }]);
    });

    it('pages through a long list: 500 at most a page, no row twice or missed', async () => {
      const first = await list('view=paused');
      expect(first.body.total).toBe(1_100);
      expect(codes(first.body)).toEqual(PAUSED_ORDER.slice(0, 100));
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(first.body.counts.agency).toEqual([{ key: D.eid, name: D.name, count: 1_100 }]);
      const pages = await walk('view=paused', 500);
      expect(pages.map((p) => p.dossiers.length)).toEqual([500, 500, 100]);
      expect(pages.flatMap((p) => codes(p))).toEqual(PAUSED_ORDER);
      expect(pages.every((p) => p.total === 1_100)).toBe(true);
    });

    it('the next pages keep the first page’s asOf unless one is given', async () => {
      const first = await list('view=at_risk&limit=2');
      const next = await get(`dossiers?agency=${D.eid}&view=at_risk&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, 'quantri');
      expect(next.status).toBe(200);
      expect(next.body.asOf).toBe(W);
      expect(codes(next.body)).toEqual(AT_RISK.slice(2, 4));
    });

    it('exports every row as CSV, whatever limit and cursor say', async () => {
      const csvCodes = async (query: string) => {
        const r = await list(`${query}&format=csv`);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        const lines = (r.body as string).replace(/^\uFEFF/, '').split('\r\n');
        expect(lines[0]).toMatch(/^code,agency_eid,/);
        expect(lines.at(-1)).toBe('');
        return lines.slice(1, -1).map((l) => l.split(',')[0]);
      };
      expect(await csvCodes('view=paused')).toEqual(PAUSED_ORDER);
      const first = await list('view=at_risk&limit=2');
      expect(await csvCodes(`view=at_risk&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`)).toEqual(AT_RISK);
    });

    it('422 for a bad limit or a cursor this API did not give', async () => {
      const cursor = (o: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(o)).toString('base64url'));
      const good = { d: '2026-03-17T03:00:00.000000Z', c: dc('K2'), a: '2026-03-18T03:00:00.000Z' };
      expect((await list(`view=at_risk&limit=1&cursor=${cursor(good)}`)).status).toBe(200);
      const bad: Array<[string, string]> = [
        ['limit=0', 'query.limit'],
        ['limit=501', 'query.limit'],
        ['limit=-1', 'query.limit'],
        ['limit=1.5', 'query.limit'],
        ['limit=ten', 'query.limit'],
        ['limit=1&limit=2', 'query.limit'],
        ['cursor=not-a-cursor', 'query.cursor'],
        ['cursor=%25%25%25', 'query.cursor'],
        [`cursor=${cursor({ d: null })}`, 'query.cursor'],
        [`cursor=${cursor([good])}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, d: '2026-02-30T03:00:00.000000Z' })}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, d: '2026-03-17T03:00:00Z' })}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, d: 1 })}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, c: 'a\u0000b' })}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, c: '' })}`, 'query.cursor'],
        [`cursor=${cursor({ ...good, a: 'yesterday' })}`, 'query.cursor'],
      ];
      for (const [query, field] of bad) {
        const r = await list(`view=at_risk&${query}`);
        expect(r.status, query).toBe(422);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body).toMatchObject({ reason: 'InvalidQuery', detail: expect.stringMatching(/^Tham số truy vấn không hợp lệ: /) });
        expect(r.body.errors.map((e: any) => e.field), query).toEqual([field]);
      }
      expect((await list('view=at_risk&limit=501')).body.detail).toBe('Tham số truy vấn không hợp lệ: limit phải là số nguyên từ 1 đến 500 (nhận được "501").');
      expect((await list('view=at_risk&cursor=xyz')).body.detail).toBe('Tham số truy vấn không hợp lệ: cursor phải là nextCursor của trang trước, giữ nguyên.');
    });
  });

  describe('documents people read say dates as Vietnamese documents do (issue 16)', () => {
    const download = (code: string) => http('POST', `${base}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber: '079000000001' } });

    it('the denial notice and the e-result: "ngày 16 tháng 03 năm 2026", "10 giờ 00 phút", no machine timestamp', async () => {
      const denial = DOSSIERS.find((d) => d.result?.kind === 'denial_notice')!;
      const notice = await download(denial.code);
      expect(notice.status).toBe(200);
      expect(notice.headers.get('content-type')).toContain('text/html');
      expect(notice.body).toContain('Ban hành ngày 16 tháng 03 năm 2026, lúc 10 giờ 00 phút');
      expect(notice.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      // F1's e-result, issued Wed 4 Mar 10:00 local (03:00 UTC).
      const result = await download(code(7));
      expect(result.status).toBe(200);
      expect(result.body).toContain('Ban hành ngày 04 tháng 03 năm 2026, lúc 10 giờ 00 phút');
      expect(result.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    });
  });

  describe('on-time rates (March 2026)', () => {
    const onTime = (groupBy: string, query = MARCH) => get(`on-time?groupBy=${groupBy}&${query}`);

    it('by agency: dossiers whose end of processing falls in March', async () => {
      const r = await onTime('agency');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ groupBy: 'agency', basis: 'dossiers', from: '2026-03-01T00:00:00+07:00', to: '2026-04-01T00:00:00+07:00' });
      expect(r.body.groups).toEqual([
        // A: F1, F6 (request 12 Mar < due 16 Mar), F8 early; F2, O4 (waiting: request 17 Mar 09:00,
        // due 11:00 the same day) on time; F3 (apology does not help) and F4 (2 requests) late.
        // F7 ended in February, F10 in April, R1 was never received.
        { key: A.eid, name: A.name, early: 3, onTime: 2, late: 2, total: 7, rates: { early: 42.86, onTime: 28.57, late: 28.57, onTimeOrEarly: 71.43 } },
        // B: F5 (withdrawn before due) and F9 early.
        { key: B.eid, name: B.name, early: 2, onTime: 0, late: 0, total: 2, rates: { early: 100, onTime: 0, late: 0, onTimeOrEarly: 100 } },
      ]);
      expect(r.body.totals).toEqual({ early: 5, onTime: 2, late: 2, total: 9, rates: { early: 55.56, onTime: 22.22, late: 22.22, onTimeOrEarly: 77.78 } });
    });

    it('by procedure', async () => {
      const r = await onTime('procedure');
      expect(r.body.groups).toEqual([
        // O4 on time, F2 on time, F5 early, F6 early.
        { key: 'CA-TAMTRU', name: 'Đăng ký tạm trú', early: 2, onTime: 2, late: 0, total: 4, rates: { early: 50, onTime: 50, late: 0, onTimeOrEarly: 100 } },
        { key: 'GS-KHONGVB', name: 'Xác nhận thử nghiệm (kết quả không phải văn bản)', early: 1, onTime: 0, late: 0, total: 1, rates: { early: 100, onTime: 0, late: 0, onTimeOrEarly: 100 } },
        // F1, F8 early; F3, F4 late.
        { key: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh', early: 2, onTime: 0, late: 2, total: 4, rates: { early: 50, onTime: 0, late: 50, onTimeOrEarly: 50 } },
      ]);
      expect(r.body.totals.total).toBe(9);
    });

    it('by officer: hand-offs with a due date closed in March, by receiver', async () => {
      const r = await onTime('officer');
      expect(r.body.basis).toBe('handoffs');
      expect(r.body.groups).toEqual([
        // cv1: F1 review early, F3 review late (F8's closed in Feb, F10's on 1 Apr, R1's intake never received).
        { key: 'gs.cv1', name: 'Chuyên Viên Một', early: 1, onTime: 0, late: 1, total: 2, rates: { early: 50, onTime: 0, late: 50, onTimeOrEarly: 50 } },
        // cv2: F2 review on time, F4 review early, F5 review early (outcome computed); F2's assignment has no due date.
        { key: 'gs.cv2', name: 'Chuyên Viên Hai', early: 2, onTime: 1, late: 0, total: 3, rates: { early: 66.67, onTime: 33.33, late: 0, onTimeOrEarly: 100 } },
      ]);
      expect(r.body.totals).toEqual({ early: 3, onTime: 1, late: 1, total: 5, rates: { early: 60, onTime: 20, late: 20, onTimeOrEarly: 80 } });
    });

    it('by step: the leaders’ decision step counts too, the citizen’s supplement step does not', async () => {
      const r = await onTime('step');
      expect(r.body.groups).toEqual([
        // F1 decision early, F2 decision on time.
        { key: 'decision', name: 'Phê duyệt kết quả', early: 1, onTime: 1, late: 0, total: 2, rates: { early: 50, onTime: 50, late: 0, onTimeOrEarly: 100 } },
        { key: 'review', name: 'Thẩm định, xử lý hồ sơ', early: 3, onTime: 1, late: 1, total: 5, rates: { early: 60, onTime: 20, late: 20, onTimeOrEarly: 80 } },
      ]);
      expect(r.body.totals).toEqual({ early: 4, onTime: 2, late: 1, total: 7, rates: { early: 57.14, onTime: 28.57, late: 14.29, onTimeOrEarly: 85.71 } });
    });

    it('is reproducible as of an earlier instant: nothing recorded after asOf counts', async () => {
      // As of W, F9 (approved 20 Mar) had not ended; F6 and O4 were both waiting for the citizen.
      const r = await onTime('agency', `from=2026-03-01&to=2026-04-01&asOf=${encodeURIComponent(W)}`);
      expect(r.body.groups.map((g: any) => [g.key, g.early, g.onTime, g.late])).toEqual([
        [A.eid, 3, 2, 2],
        [B.eid, 1, 0, 0],
      ]);
    });

    it('exports CSV with a total row', async () => {
      const res = await fetch(`${base}/api/v1/supervision/on-time?groupBy=agency&${MARCH}`, { headers: { Authorization: `Bearer ${await officerToken('gs.giamsat')}`, Accept: 'text/csv' } });
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="on-time-agency-2026-03-01-2026-04-01.csv"');
      const text = Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8');
      expect(text.split('\r\n')).toEqual([
        'agency,name,early,on_time,late,total,early_rate,on_time_rate,late_rate,on_time_or_early_rate',
        `${A.eid},"Phòng Thử nghiệm Giám sát, ""Một cửa"" A",3,2,2,7,42.86,28.57,28.57,71.43`,
        `${B.eid},Phòng Thử nghiệm Giám sát B,2,0,0,2,100,0,0,100`,
        ',Tổng cộng,5,2,2,9,55.56,22.22,22.22,77.78',
        '',
      ]);
    });
  });

  describe('QĐ 766 indicators (March 2026)', () => {
    it('computes 2.1, 2.2, 3.3, 3.6, 4.1 and 5.4 with their scores', async () => {
      const r = await get(`indicators?${MARCH}`);
      expect(r.status).toBe(200);
      const byCode = Object.fromEntries(r.body.indicators.map((i: any) => [i.code, i]));
      expect(Object.keys(byCode)).toEqual(['2.1', '2.2', '3.3', '3.6', '4.1', '5.4']);
      for (const i of r.body.indicators) expect(i.formula.length).toBeGreaterThan(40);

      // 2.1 denominator: received before 1 Apr and not ended before 1 Mar = O1–O7, F1–F6, F8, F9,
      // F10 = 16 (F7 ended in Feb, R1 never received). Numerator: ended on time or early = F1, F2,
      // F5, F6 (closed unsupplemented: ends at its request), F8, F9, O4 (still waiting at the end
      // of March: ends at its request, 17 Mar 09:00 ≤ due 11:00) = 7; F3 late despite its apology,
      // F4 late with two supplement requests; plus still open with the due date not passed on
      // 1 Apr: F10 (due 2 Apr) = 1; O1–O3, O5–O7 are open past due. 8 / 16 = 50%, 20 × 0.5 = 10 points.
      expect(byCode['2.1']).toMatchObject({ name: 'Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn', numerator: 8, denominator: 16, rate: 50, threshold: 100, maxPoints: 20, score: 10 });

      // 2.2: working hours from receipt to end, less the citizen's supplement time, of the 9 ended:
      // F1 17, F2 26, F3 37.5, F4 34 − 11.5 − 6 = 16.5, F5 9, F6 9, F8 17, F9 10, O4 25 = 167 h
      // = 20.875 working days; ÷ 9 = 2.319… → 2.32.
      expect(byCode['2.2']).toMatchObject({ name: 'Thời gian giải quyết trung bình', numerator: 20.88, denominator: 9, rate: null, value: 2.32, unit: 'working_days', score: null });

      // 3.3: received in March = O1–O7, F1–F6, F9, F10 = 15; online: O1, O4, O7, F1, F3, F6, F9 = 7.
      // 7 / 15 = 46.67% (threshold 50%, no points allotted here).
      expect(byCode['3.3']).toMatchObject({ numerator: 7, denominator: 15, rate: 46.67, threshold: 50, maxPoints: null, score: null });

      // 3.6: received in March with a fee = the 15 less F9 (no fee) = 14; paid online before 1 Apr:
      // O1, O4, F1, F3, F6 = 5 (O7 paid on 3 Apr, F4's online attempt failed, F5 by transfer).
      // 5 / 14 = 35.71%; score 10 × 35.714… ÷ 100 = 3.57.
      expect(byCode['3.6']).toMatchObject({ name: 'Tỷ lệ hồ sơ thanh toán trực tuyến', numerator: 5, denominator: 14, rate: 35.71, threshold: 100, maxPoints: 10, score: 3.57 });

      // 4.1: approved in March, result a document: F1, F2, F3, F8 = 4 (F9's result is not a
      // document, F10 approved on 1 Apr); delivered online with an e-result: F1, F3 = 2.
      // 50%; score 6 × 0.5 = 3.
      expect(byCode['4.1']).toMatchObject({ name: 'Tỷ lệ hồ sơ cấp kết quả điện tử', numerator: 2, denominator: 4, rate: 50, threshold: 100, maxPoints: 6, score: 3 });

      // 5.4: 100% − (late rate + "Không hài lòng" rate) over the dossiers of 2.1; no ratings here:
      // (8 − 0) / 16 = 50%, full score at 90%: 6 × 50 ÷ 90 = 3.33 (test/e2e/rating.e2e.test.ts rates).
      expect(byCode['5.4']).toMatchObject({ numerator: 8, denominator: 16, rate: 50, threshold: 90, maxPoints: 6, score: 3.33 });
    });

    it('exports one CSV row per indicator', async () => {
      const res = await fetch(`${base}/api/v1/supervision/indicators?${MARCH}&agency=${A.eid}&format=csv`, { headers: { Authorization: `Bearer ${await officerToken('gs.giamsat')}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="indicators-766-2026-03-01-2026-04-01.csv"');
      const lines = Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).toBe('code,name,numerator,denominator,rate,value,unit,threshold,max_points,score,formula');
      expect(lines).toHaveLength(8); // header, 6 indicators, final empty line
      // Agency A alone for 4.1: F1, F2, F3, F8 approved, F1 and F3 with an e-result (F9 is B's).
      expect(lines[5]).toMatch(/^4\.1,Tỷ lệ hồ sơ cấp kết quả điện tử,2,4,50,50,percent,100,6,3,"?Numerator/);
      // The name of 2.1 holds a comma: quoted.
      expect(lines[1]).toMatch(/^2\.1,"Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",/);
    });

    it('counts a dossier waiting for the citizen at the period end that resumed later as still being processed', async () => {
      // As of Wed 11 Mar 12:00, F4 had been waiting since 10 Mar 14:00 for its first supplement,
      // which came on 12 Mar. Read from the event log as of that instant, its end of processing
      // was the request; the stored facts know it resumed, and a supplement request is not an end
      // of processing (docs/domain.md §9: the end is the decision, the return or the stop; the citizen's
      // time is subtracted from the processing time): it was being processed with its clock
      // paused, so it counts as still being processed at the period end, and it ends when it is
      // decided. (A dossier still waiting today, or closed for want of the supplement, keeps its
      // request as its end: O4, F6.)
      const asOf = encodeURIComponent('2026-03-11T12:00:00+07:00');
      const march = await get(`indicators?from=2026-03-01&to=2026-04-01&asOf=${asOf}`);
      expect(march.status).toBe(200);
      const m = Object.fromEntries(march.body.indicators.map((i: any) => [i.code, i]));
      // Received before 11 Mar 12:00 and not ended before 1 Mar: O3, F1, F2, F3, F4, F6, F8 = 7. On time:
      // F1, F2, F8 ended on time or early; O3, F3 (due 12 Mar) and F6 (waiting only from 12 Mar) open
      // and not past due = 6. F4 is late either way (two supplement requests).
      expect(m['2.1']).toMatchObject({ numerator: 6, denominator: 7 });
      // 2.2: ended by then F1 17 h, F2 26 h, F8 17 h = 60 h = 7.5 working days ÷ 3 = 2.5. The event
      // log read as of that instant also counted F4, ended at its request after 4.5 h (8.06 ÷ 4).
      expect(m['2.2']).toMatchObject({ numerator: 7.5, denominator: 3, value: 2.5 });
      // The same rule in the on-time rates: A has F1, F8 early and F2 on time; F4 is not ended.
      const rates = await get(`on-time?groupBy=agency&from=2026-03-01&to=2026-04-01&asOf=${asOf}`);
      expect(rates.body.groups.map((g: any) => [g.key, g.early, g.onTime, g.late])).toEqual([[A.eid, 2, 1, 0]]);

      // From 11 Mar: F4's request (10 Mar) would have put it before the period, out of the report.
      // Here it is in the denominator, still being processed and late: O3, F3, F6 on time of
      // O3, F3, F4, F6 (F1, F2, F8 ended before 11 Mar) = 3 / 4.
      const r = await get(`indicators?from=2026-03-11&to=2026-04-01&asOf=${asOf}`);
      const byCode = Object.fromEntries(r.body.indicators.map((i: any) => [i.code, i]));
      expect(byCode['2.1']).toMatchObject({ numerator: 3, denominator: 4, rate: 75, score: 15 });
      expect(byCode['2.2']).toMatchObject({ numerator: 0, denominator: 0, value: null });
      // Received 11 Mar 00:00–12:00: O3 (counter, fee paid in cash) and F6 (online, paid online 07:30).
      expect(byCode['3.3']).toMatchObject({ numerator: 1, denominator: 2, rate: 50 });
      expect(byCode['3.6']).toMatchObject({ numerator: 1, denominator: 2, rate: 50, score: 5 });
      expect(byCode['4.1']).toMatchObject({ numerator: 0, denominator: 0, rate: null, score: null });
    });
  });

  describe('QĐ 766 facts kept by recordDossierEvent', () => {
    const FACTS = [
      'processing_ended_at',
      'processing_end_kind',
      'awaiting_citizen_since',
      'approved_at',
      'paid_online_at',
      'result_issued_at',
      'processing_working_ms',
      'working_day_ms',
    ] as const;
    const facts = async (codes: string[]) => {
      const rows = await db('dossiers').whereIn('code', codes).select('code', ...FACTS);
      return Object.fromEntries(rows.map(({ code, ...f }) => [code, f]));
    };
    const twin = (c: string) => `${C.eid}-260300-${String(DOSSIERS.findIndex((d) => d.code === c) + 1).padStart(4, '0')}`;
    /** Each seed dossier's events, with the fee_paid event the workflow records for each payment, in time order. */
    const eventsOf = (d: DossierSeed) => {
      const list = d.events.map(([type, from, to, when]) => ({ type, from: from as string | null, to, when, data: {} as Record<string, unknown> }));
      for (const p of (d.payments ?? []).filter((x) => x.status === 'paid')) {
        const i = list.findIndex((e) => at(e.when) > at(p.at));
        const status = i === -1 ? list[list.length - 1]!.to : (list[i]!.from ?? list[i]!.to);
        list.splice(i === -1 ? list.length : i, 0, { type: 'fee_paid', from: status, to: status, when: p.at, data: { method: p.method, amountVnd: p.amount, paidAt: iso(p.at) } });
      }
      return list;
    };
    const record = async (dossierId: number, list: ReturnType<typeof eventsOf>) => {
      const inserted: boolean[] = [];
      for (const [i, e] of list.entries()) {
        const event = {
          dossierId,
          seq: i + 1,
          type: e.type,
          fromStatus: e.from,
          toStatus: e.to,
          actorId: null,
          actorRole: null,
          occurredAt: iso(e.when),
          isPublic: true,
          data: e.data,
          projection: {},
        };
        // Every event twice, as a retried activity does: the second changes nothing.
        inserted.push((await recordDossierEvent(db, event)).inserted, (await recordDossierEvent(db, event)).inserted);
      }
      return inserted;
    };

    it('writes, event by event, the facts the migration fills from the log, and an event recorded twice changes nothing', async () => {
      const [agency] = await db('agencies').insert({ eid: C.eid, name: C.name, level: 'commune', calendar_id: db('agencies').where('eid', A.eid).select('calendar_id') }).returning('id');
      const twins = new Map<string, number>();
      for (const d of DOSSIERS) {
        const { id: originalId, ...row } = await db('dossiers').where('code', d.code).first();
        for (const f of FACTS) row[f] = null;
        // The generated columns (the report's stored parts, migration 20261206000004) are PostgreSQL's to write.
        for (const c of Object.keys(row)) if (c.startsWith('report_')) delete row[c];
        const [copy] = await db('dossiers')
          .insert({
            ...row,
            code: twin(d.code),
            workflow_id: `dossier-${twin(d.code)}`,
            agency_id: agency.id,
            projection_seq: 0,
            documents: JSON.stringify(row.documents),
            pending_action: row.pending_action === null ? null : JSON.stringify(row.pending_action),
            postal_address: row.postal_address === null ? null : JSON.stringify(row.postal_address),
          })
          .returning('id');
        twins.set(d.code, copy.id);
        for (const { id: _id, ...p } of await db('dossier_payments').where('dossier_id', originalId)) {
          await db('dossier_payments').insert({ ...p, id: randomUUID(), dossier_id: copy.id });
        }
        for (const { id: _id, ...r } of await db('dossier_results').where('dossier_id', originalId)) {
          await db('dossier_results').insert({ ...r, dossier_id: copy.id, number: `GS2-${d.code}` });
        }
      }
      for (const d of DOSSIERS) {
        const inserted = await record(twins.get(d.code)!, eventsOf(d));
        expect(inserted).toEqual(inserted.map((_, i) => i % 2 === 0));
      }

      // Event by event (each twice) or from the whole log at once: the same facts.
      const original = await facts(DOSSIERS.map((d) => d.code));
      const written = await facts(DOSSIERS.map((d) => twin(d.code)));
      for (const d of DOSSIERS) expect({ code: d.code, ...written[twin(d.code)] }).toEqual({ code: d.code, ...original[d.code] });
      // A few by hand. F4: denied 16 Mar 10:00, 34 h less the citizen's 11.5 h + 6 h.
      expect(written[twin(DOSSIERS[10]!.code)]).toEqual({
        processing_ended_at: at('03-16 10:00'),
        processing_end_kind: 'decision',
        awaiting_citizen_since: null,
        approved_at: null,
        paid_online_at: null,
        result_issued_at: null,
        processing_working_ms: 16.5 * 3_600_000,
        working_day_ms: 8 * 3_600_000,
      });
      // F6: closed for want of the supplement requested 12 Mar 09:00 (its end), 9 h after receipt.
      expect(written[twin(DOSSIERS[12]!.code)]).toMatchObject({ processing_ended_at: null, awaiting_citizen_since: at('03-12 09:00'), processing_working_ms: 9 * 3_600_000, paid_online_at: at('03-11 07:30') });
      // F5: withdrawn, a stop.
      expect(written[twin(DOSSIERS[11]!.code)]).toMatchObject({ processing_ended_at: at('03-17 09:00'), processing_end_kind: 'stop', paid_online_at: null });

      // The whole log replayed (every event already there): nothing moves.
      for (const d of DOSSIERS) expect((await record(twins.get(d.code)!, eventsOf(d))).every((x) => !x)).toBe(true);
      expect(await facts(DOSSIERS.map((d) => twin(d.code)))).toEqual(written);

      // And the report over C equals the report over A and B, March and as of W.
      for (const until of [new Date('2026-04-01T00:00:00+07:00'), at('03-18 10:00'), at('03-11 12:00')]) {
        const q = { from: new Date('2026-03-01T00:00:00+07:00'), until };
        expect(await indicatorCounts(db, { ...q, agencyIds: [agency.id] })).toEqual(
          await indicatorCounts(db, { ...q, agencyIds: (await db('agencies').whereIn('eid', [A.eid, B.eid]).select('id')).map((a) => a.id) }),
        );
      }
    });
  });

  describe('identity, scope and parameters', () => {
    it('401 without an identity or with an unknown one', async () => {
      const none = await get('dossiers?view=overdue', null);
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      expect((await get('dossiers?view=overdue', 'gs.khongco')).status).toBe(401);
    });

    it('403 for an agency the caller cannot supervise, or without any supervising role', async () => {
      const lead = await get(`dossiers?view=overdue&agency=${B.eid}`, 'gs.lanhdao');
      expect(lead.status).toBe(403);
      expect(lead.body.detail).toContain(B.eid);
      // A specialist works dossiers but does not supervise.
      const specialist = await get('indicators?from=2026-03-01&to=2026-04-01', 'gs.cv1');
      expect(specialist.status).toBe(403);
      expect(specialist.body).toMatchObject({ reason: 'RoleRequired', detail: expect.stringContaining('giám sát, lãnh đạo hoặc quản trị') });
    });

    it('422 for bad parameters, each named', async () => {
      const fields = async (path: string) => {
        const r = await get(path);
        expect(r.status).toBe(422);
        expect(r.body.detail).toMatch(/^Tham số truy vấn không hợp lệ: /);
        return r.body.errors.map((e: any) => e.field);
      };
      // Field paths as everywhere in the API: query parameters under `query.`.
      expect(await fields('dossiers?view=late')).toEqual(['query.view']);
      expect(await fields('dossiers')).toEqual(['query.view']);
      expect(await fields('dossiers?view=due_within')).toEqual(['query.days']);
      expect(await fields('dossiers?view=due_within&days=61')).toEqual(['query.days']);
      expect(await fields('dossiers?view=due_within&days=1.5')).toEqual(['query.days']);
      expect(await fields('dossiers?view=overdue&asOf=yesterday')).toEqual(['query.asOf']);
      expect(await fields('dossiers?view=overdue&asOf=2026-02-30')).toEqual(['query.asOf']);
      expect(await fields('dossiers?view=overdue&asOf=2026-03-18T10:00:00')).toEqual(['query.asOf']); // no offset: ambiguous
      // The schema's errors first, then the names not found in the database.
      expect(await fields('dossiers?view=overdue&step=lunch&procedure=NOPE&officer=gs.khongco&agency=000.00.00.X00')).toEqual(['query.step', 'query.agency', 'query.procedure', 'query.officer']);
      expect(await fields('dossiers?view=overdue&format=xml')).toEqual(['query.format']);
      expect(await fields('dossiers?view=overdue&view=paused')).toEqual(['query.view']); // given twice
      expect(await fields('dossiers?view=overdue&orderBy=name')).toEqual(['query.orderBy']);
      expect(await fields('on-time?from=2026-04-01&to=2026-03-01')).toEqual(['query.to']);
      expect(await fields('on-time?from=2026-03-01&to=2026-03-01')).toEqual(['query.to']);
      expect(await fields('on-time?from=2025-01-01&to=2026-03-01')).toEqual(['query.to']); // more than 366 days
      expect(await fields('on-time?from=2026-03-01&to=2026-04-01&groupBy=ward')).toEqual(['query.groupBy']);
      expect(await fields('indicators?to=2026-04-01')).toEqual(['query.from']);
      // Working time cannot be counted past the calendar's holiday data (2025–2027).
      const beyond = await get('dossiers?view=due_within&days=1&asOf=2030-01-02');
      expect(beyond.status).toBe(422);
      expect(beyond.body.title).toBe('Outside the working calendar');
      const r = await get('dossiers?view=due_within&days=99');
      expect(r.body.detail).toBe('Tham số truy vấn không hợp lệ: days phải là số nguyên từ 0 đến 60 (nhận được "99").');
    });
  });
});

/** Our agencies, officers, a procedure whose result is not a document, and the dossiers above. */
async function seed(db: Knex, users: Record<string, number>): Promise<void> {
  const calendar = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
  const agency: Record<'A' | 'B', number> = { A: 0, B: 0 };
  for (const [key, a] of [['A', A], ['B', B]] as const) {
    const [row] = await db('agencies').insert({ eid: a.eid, name: a.name, level: 'commune', calendar_id: calendar.id }).returning('id');
    agency[key] = row.id;
  }
  const officers: Array<[string, string, Array<['A' | 'B', string]>]> = [
    ['gs.giamsat', 'Giám Sát Viên', [['A', 'supervisor'], ['B', 'supervisor']]],
    ['gs.lanhdao', 'Lãnh Đạo A', [['A', 'leader']]],
    ['gs.cv1', 'Chuyên Viên Một', [['A', 'specialist']]],
    ['gs.cv2', 'Chuyên Viên Hai', [['A', 'specialist'], ['B', 'specialist']]],
  ];
  for (const [username, fullName, roles] of officers) {
    const [row] = await db('users').insert({ username, full_name: fullName }).returning('id');
    users[username] = row.id;
    await db('user_roles').insert(roles.map(([a, role]) => ({ user_id: row.id, agency_id: agency[a], role })));
  }
  await db('procedures').insert({
    code: 'GS-KHONGVB',
    name: 'Xác nhận thử nghiệm (kết quả không phải văn bản)',
    field: 'Thử nghiệm giám sát',
    legal_basis: 'Dữ liệu kiểm thử',
    time_limit: JSON.stringify({ unit: 'working_days', value: 3 }),
    online_level: 'full',
    on_site_verification: false,
    result_is_document: false,
    fee_timing: 'none',
    result_name: 'Xác nhận',
    active: false,
  });
  const procedures = new Map<string, number>((await db('procedures').whereIn('code', ['KT-HKD', 'CA-TAMTRU', 'GS-KHONGVB']).select('id', 'code')).map((p) => [p.code, p.id]));
  const officerId = (o: Officer | null | undefined) => (o ? users[o === 'cv1' ? 'gs.cv1' : 'gs.cv2']! : null);
  const t = (s: string | undefined) => (s ? at(s) : null);

  const ids: number[] = [];
  for (const d of DOSSIERS) {
    const [row] = await db('dossiers')
      .insert({
        code: d.code,
        workflow_id: `dossier-${d.code}`,
        procedure_id: procedures.get(d.procedure),
        agency_id: agency[d.agency],
        channel: d.channel,
        delivery_method: d.delivery,
        status: d.status,
        applicant_full_name: 'Nguyễn Thị Thử',
        applicant_id_number: '079000000001',
        submitted_at: at(d.submitted ?? d.received!),
        received_at: t(d.received),
        appointment_at: t(d.appointment),
        due_at: t(d.dueAt),
        deadline_state: d.state ?? null,
        clock_paused_at: t(d.paused),
        apology_issued_at: t(d.apology),
        supplement_requests: d.supplements ?? 0,
        assignee_id: officerId(d.assignee),
        fee_due_vnd: d.fee ?? null,
        fee_status: d.feeStatus ?? null,
        calendar_code: 'VN-STATE',
      })
      .returning('id');
    const id = row.id;
    ids.push(id);
    await db('dossier_events').insert(
      d.events.map(([type, from, to, when], i) => ({ dossier_id: id, seq: i + 1, type, from_status: from, to_status: to, occurred_at: at(when) })),
    );
    for (const [i, h] of (d.handoffs ?? []).entries()) {
      await db('dossier_handoffs').insert({
        dossier_id: id,
        opened_seq: i + 1,
        step: h.step,
        giver_unit: 'Bộ phận Một cửa',
        receiver_id: officerId(h.receiver),
        receiver_unit: h.receiver ? 'Chuyên viên' : h.step === 'citizen_supplement' ? 'Người nộp hồ sơ' : 'Lãnh đạo',
        received_at: at(h.opened),
        due_at: t(h.due ?? undefined),
        done_at: t(h.done),
        outcome: h.outcome ?? null,
      });
    }
    for (const p of d.payments ?? []) {
      await db('dossier_payments').insert({ id: randomUUID(), dossier_id: id, amount_vnd: p.amount, method: p.method, status: p.status, paid_at: p.status === 'paid' ? at(p.at) : null, created_at: at(p.at) });
    }
    if (d.result) {
      await db('dossier_results').insert({ dossier_id: id, number: `GS-${d.code}`, kind: d.result.kind, title: 'Kết quả thử nghiệm', issued_at: at(d.result.issued) });
    }
  }
  // Written around recordDossierEvent, like the rows that were there before the QĐ 766 facts:
  // filled from the log as the migration 20261126000001_processing_end does.
  await refreshProcessingFacts(db, Math.min(...ids), Math.max(...ids));
}

import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { isDossierStatus, isTerminal } from '../domain/status';
import { PaymentSignatureError, type PaymentProvider } from '../integrations/payment/provider';
import { acknowledgeToWorkflow, applyPaymentEvent, recordCounterPayment, startOnlinePayment, type PaymentRow } from '../payments/payments';
import { citizenIdOf, officerFor, requireApplicant } from './identity';
import { HttpProblem } from './problem';
import { jsonBody, parse } from './contract';
import { counterPaymentBody, noPaymentQuery } from './payment-schemas';
import { bodyOf } from './validation';
import { vnTime } from '../domain/vn-time';

export interface PaymentRoutesDeps {
  db: Knex;
  temporal: Client;
  provider: PaymentProvider;
  publicBaseUrl: string;
  validityMinutes: number;
}


function view(p: PaymentRow) {
  return {
    paymentId: p.id,
    amountVnd: Number(p.amount_vnd),
    method: p.method,
    status: p.status,
    paidAt: vnTime(p.paid_at),
    receiptCode: p.receipt_code,
  };
}

/** The gateway's signed callback (IPN): verified on its exact raw body, recorded once. Mount before express.json(). */
export function paymentCallbackRoute(deps: PaymentRoutesDeps): Router {
  const router = Router();
  router.post('/api/v1/payments/callback', express.text({ type: '*/*', limit: '16kb' }), async (req, res) => {
    let event;
    try {
      event = deps.provider.verifyCallback(typeof req.body === 'string' ? req.body : '', req.headers);
    } catch (err) {
      if (err instanceof PaymentSignatureError) throw new HttpProblem(401, 'Invalid signature', err.message);
      throw err;
    }
    const { payment } = await applyPaymentEvent(deps.db, event);
    if (!payment) throw new HttpProblem(404, 'Unknown payment', `No payment ${event.paymentId} with reference ${event.providerRef}.`);
    if (event.status === 'paid') {
      // Recorded in PostgreSQL: the gateway gets its 200 even if Temporal is down; the reconciler finishes.
      await deps.temporal.withDeadline(Date.now() + 10_000, () => acknowledgeToWorkflow(deps.db, deps.temporal, payment.id)).catch(() => undefined);
    }
    res.json({ received: true });
  });
  return router;
}

export function paymentRoutes(deps: PaymentRoutesDeps): Router {
  const { db } = deps;
  const router = Router();

  async function payableDossier(code: string, applicantIdNumber?: string) {
    const d = await db('dossiers').where({ code }).first('id', 'agency_id', 'status', 'fee_due_vnd', 'fee_status', 'applicant_id_number');
    // A citizen learns nothing of a dossier that is not theirs, not even its fee status.
    if (applicantIdNumber !== undefined) requireApplicant(d, applicantIdNumber);
    if (!d) throw new HttpProblem(404, 'Not found', `Không tìm thấy hồ sơ ${code}.`);
    if (isDossierStatus(d.status) && isTerminal(d.status)) throw new HttpProblem(409, 'Conflict', 'Hồ sơ đã kết thúc, không thể nộp phí.');
    if (d.fee_status === 'paid') throw new HttpProblem(409, 'Conflict', 'Phí, lệ phí của hồ sơ này đã được nộp.');
    if (d.fee_status !== 'unpaid') throw new HttpProblem(409, 'Conflict', 'Hồ sơ này không phải nộp phí, lệ phí.');
    return d;
  }

  /** The citizen opens an online payment of the fee and is sent to the gateway's page. */
  router.post('/citizen/dossiers/:code/payments', async (req, res) => {
    const idNumber = citizenIdOf(req);
    bodyOf(req.body ?? {});
    const d = await payableDossier(String(req.params.code), idNumber);
    try {
      const started = await startOnlinePayment(db, deps.provider, { dossierId: d.id, publicBaseUrl: deps.publicBaseUrl, validityMinutes: deps.validityMinutes });
      res.status(201).json(started);
    } catch (err) {
      throw new HttpProblem(503, 'Payment gateway unavailable', `Cổng thanh toán tạm thời không phản hồi, vui lòng thử lại sau. (${(err as Error).message})`);
    }
  });

  /** Cash or transfer taken at the counter by a one-stop officer; the e-receipt is issued at once. */
  router.post('/dossiers/:code/payments', async (req, res) => {
    const code = String(req.params.code);
    const d0 = await db('dossiers').where({ code }).first('agency_id');
    if (!d0) throw new HttpProblem(404, 'Not found', `No dossier ${code}.`);
    const officer = await officerFor(db, req, d0.agency_id);
    if (!officer.roles.includes('one_stop_officer')) throw new HttpProblem(403, 'Forbidden', `${officer.username} is not a one-stop officer of this agency.`);
    parse(noPaymentQuery, req.query, 'query');
    const { method, amountVnd, reference } = parse(counterPaymentBody, jsonBody(req));
    const d = await payableDossier(code);
    if (amountVnd !== Number(d.fee_due_vnd)) {
      throw new HttpProblem(422, 'Wrong amount', `The fee due is ${d.fee_due_vnd} VND, not ${amountVnd} VND.`);
    }
    let payment: PaymentRow;
    try {
      payment = await recordCounterPayment(db, { dossierId: d.id, amountVnd: Number(d.fee_due_vnd), method, reference, officerId: officer.userId });
    } catch (err) {
      // Only the one-paid-payment-per-dossier index can collide here: someone recorded it first.
      if ((err as { code?: string; constraint?: string }).constraint === 'dossier_payments_one_paid') {
        throw new HttpProblem(409, 'Conflict', 'The fee of this dossier is already paid.');
      }
      throw err;
    }
    await deps.temporal.withDeadline(Date.now() + 10_000, () => acknowledgeToWorkflow(db, deps.temporal, payment.id)).catch(() => undefined);
    res.status(201).json(view(payment));
  });

  router.get('/dossiers/:code/payments', async (req, res) => {
    const code = String(req.params.code);
    const d = await db('dossiers').where({ code }).first('id', 'agency_id', 'fee_due_vnd', 'fee_status', 'fee_timing');
    if (!d) throw new HttpProblem(404, 'Not found', `No dossier ${code}.`);
    await officerFor(db, req, d.agency_id);
    const rows: PaymentRow[] = await db('dossier_payments').where('dossier_id', d.id).orderBy('created_at');
    res.json({ feeDueVnd: d.fee_due_vnd === null ? null : Number(d.fee_due_vnd), feeStatus: d.fee_status, feeTiming: d.fee_timing, payments: rows.map(view) });
  });

  return router;
}

import express, { type RequestHandler, type Router } from 'express';
import { apiRouter } from './router';
import type { DossierClient } from '../dossiers/client';
import type { Db } from '../db/connection';
import type { PaymentProvider } from '../integrations/payment/provider';
import {
  agencyOfDossier,
  dossierFees,
  dossierToPay,
  openOnlinePayment,
  payable,
  paymentsOf,
  receivePaymentCallback,
  recordPaymentAtCounter,
  requireOneStopOfficer,
  tellDossierOfPayment,
} from '../payments/fees';
import type { PaymentRow } from '../payments/payments';
import { paymentOutcome, retryOnlinePayment } from '../payments/return-page';
import { citizenIdOf, officerDossier, requireApplicant } from './identity';
import { jsonBody, parse } from './contract';
import { counterPaymentBody, noPaymentQuery } from './payment-schemas';
import { bodyOf } from './validation';
import { vnTime } from '../domain/vn-time';
import { timed, timeSinceArrival } from './server-timing';

export interface PaymentRoutesDeps {
  db: Db;
  dossiers: DossierClient;
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
  const router = apiRouter();
  router.post('/api/v1/payments/callback', express.text({ type: '*/*', limit: '16kb' }), async (req, res) => {
    await receivePaymentCallback(deps, typeof req.body === 'string' ? req.body : '', req.headers);
    res.json({ received: true });
  });
  return router;
}

export function paymentRoutes(deps: PaymentRoutesDeps, publicLimiter: RequestHandler = (_req, _res, next) => next()): Router {
  const { db } = deps;
  const router = apiRouter();

  /**
   * The portal's return page asks here what the gateway's signed callback recorded; the query
   * parameters the gateway appended to the citizen's way back are never read.
   */
  router.get('/payments/:paymentId', publicLimiter, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await paymentOutcome(db, String(req.params.paymentId)));
  });

  /** "Thanh toán lại" on the return page: back to the gateway with the dossier's open payment or a new one. */
  router.post('/payments/:paymentId/retry', publicLimiter, async (req, res) => {
    bodyOf(req.body ?? {});
    const started = await retryOnlinePayment(db, deps.provider, String(req.params.paymentId), { publicBaseUrl: deps.publicBaseUrl, validityMinutes: deps.validityMinutes });
    res.status(201).json(started);
  });

  /** The citizen opens an online payment of the fee and is sent to the gateway's page. */
  router.post('/citizen/dossiers/:code/payments', async (req, res) => {
    const idNumber = citizenIdOf(req);
    bodyOf(req.body ?? {});
    const code = String(req.params.code);
    const d = await dossierToPay(db, code);
    // A citizen learns nothing of a dossier that is not theirs, not even its fee status.
    requireApplicant(d, idNumber);
    const started = await openOnlinePayment(db, deps.provider, payable(d, code), { publicBaseUrl: deps.publicBaseUrl, validityMinutes: deps.validityMinutes });
    res.status(201).json(started);
  });

  /** Cash or transfer taken at the counter by a one-stop officer; the e-receipt is issued at once. */
  router.post('/dossiers/:code/payments', async (req, res) => {
    const code = String(req.params.code);
    const { actor: officer } = await officerDossier(db, req, () => agencyOfDossier(db, code));
    requireOneStopOfficer(officer);
    parse(noPaymentQuery, req.query, 'query');
    const { method, amountVnd, reference } = parse(counterPaymentBody, jsonBody(req));
    const payment = await recordPaymentAtCounter(db, code, { method, amountVnd, reference, officerId: officer.userId });
    // Server-Timing as on the other officer actions (api/server-timing.ts): `before` ends with the
    // payment and its e-receipt recorded; `update` is the dossier told (its Update, then the
    // payment marked acknowledged); `stored` when it came with an Idempotency-Key (api/idempotency.ts).
    timeSinceArrival(req, res, 'before');
    await timed(res, 'update', () => tellDossierOfPayment(db, deps.dossiers, payment));
    res.status(201).json(await timed(res, 'answer', async () => view(payment.recorded)));
  });

  router.get('/dossiers/:code/payments', async (req, res) => {
    const { dossier: d } = await officerDossier(db, req, () => dossierFees(db, String(req.params.code)));
    const rows = await paymentsOf(db, d.id);
    res.json({ feeDueVnd: d.fee_due_vnd === null ? null : Number(d.fee_due_vnd), feeStatus: d.fee_status, feeTiming: d.fee_timing, payments: rows.map(view) });
  });

  return router;
}

import type { Router, Response } from 'express';
import { apiRouter } from './router';
import { documentPagePolicy } from './security-headers';
import type { Db } from '../db/connection';
import { intakeReceipt, intakeReceiptHtml, receiptDossier, type ReceiptDossierRow } from '../delivery/intake-receipt';
import { citizenIdOf, officerDossier, requireApplicant } from './identity';

/**
 * Form 01 (delivery/intake-receipt.ts): printed at the counter by an officer of the agency,
 * or downloaded by the applicant; HTML, or JSON with Accept: application/json.
 */
export function intakeReceiptRoutes(db: Db): Router {
  const router = apiRouter();

  function send(res: Response, d: ReceiptDossierRow, wantsJson: boolean): void {
    const receipt = intakeReceipt(d);
    if (wantsJson) {
      res.json(receipt);
      return;
    }
    res.status(200).type('html').set('Cache-Control', 'no-store').send(intakeReceiptHtml(d, receipt));
  }

  router.get('/dossiers/:code/receipt', documentPagePolicy, async (req, res) => {
    const { dossier } = await officerDossier(db, req, () => receiptDossier(db, String(req.params.code)));
    send(res, dossier, req.accepts(['html', 'json']) === 'json');
  });

  router.post('/citizen/dossiers/:code/receipt', documentPagePolicy, async (req, res) => {
    const idNumber = citizenIdOf(req);
    const d = await receiptDossier(db, String(req.params.code));
    requireApplicant(d, idNumber);
    send(res, d!, req.accepts(['html', 'json']) === 'json');
  });

  return router;
}

import type { Router, Response } from 'express';
import { apiRouter } from './router';
import { documentPagePolicy } from './security-headers';
import type { Db } from '../db/connection';
import { intakeReceiptData, intakeReceiptDocument, receiptDossier, type ReceiptDossierRow } from '../delivery/intake-receipt';
import type { FormContext } from '../forms/documents';
import { citizenIdOf, officerDossier, requireApplicant } from './identity';

/**
 * Form 01 (delivery/intake-receipt.ts): printed at the counter by an officer of the agency,
 * or downloaded by the applicant; HTML, or JSON with Accept: application/json. The PDF is at
 * /dossiers/{code}/forms/receipt?format=pdf (api/forms.ts).
 */
export function intakeReceiptRoutes(db: Db, ctx: FormContext): Router {
  const router = apiRouter();

  async function send(res: Response, d: ReceiptDossierRow, wantsJson: boolean): Promise<void> {
    if (wantsJson) {
      res.json(await intakeReceiptData(db, d));
      return;
    }
    const doc = await intakeReceiptDocument(db, d, 'html', ctx);
    res.status(200).type('html').set('Cache-Control', 'no-store').set('Repr-Digest', `sha-256=:${doc.digest}:`).send(doc.body);
  }

  router.get('/dossiers/:code/receipt', documentPagePolicy, async (req, res) => {
    const { dossier } = await officerDossier(db, req, () => receiptDossier(db, String(req.params.code)));
    await send(res, dossier, req.accepts(['html', 'json']) === 'json');
  });

  router.post('/citizen/dossiers/:code/receipt', documentPagePolicy, async (req, res) => {
    const idNumber = citizenIdOf(req);
    const d = await receiptDossier(db, String(req.params.code));
    requireApplicant(d, idNumber);
    await send(res, d!, req.accepts(['html', 'json']) === 'json');
  });

  return router;
}


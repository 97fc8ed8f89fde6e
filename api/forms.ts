import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { apiRouter } from './router';
import { declareRoute, dossierCodeParam, parse } from './contract';
import { documentPagePolicy } from './security-headers';
import { citizenIdOf, officerDossier, requireApplicant } from './identity';
import type { Db } from '../db/connection';
import { DomainError } from '../domain/errors';
import { buildForm, CITIZEN_FORMS, formDossier, isFormId, type FormContext, type FormId } from '../forms/documents';
import { renderForm, type FormFormat, type RenderedForm } from '../forms/render';

/**
 * The legal forms of a dossier as documents people print (issue 16, items 7, 8, 9, 12), one
 * route shape for all of them: `GET /dossiers/{code}/forms/{form}` for the officers of the
 * dossier's agency, `GET /citizen/dossiers/{code}/forms/{form}` for its applicant; HTML by
 * default, PDF (A4) with `?format=pdf` or `Accept: application/pdf`. Anyone else gets the same
 * 404 as an unknown code (api/identity.ts). Each answer names its file and carries its SHA-256
 * (`Repr-Digest`), so a printed or saved copy can be checked against the one on record.
 */
const FORM_LIST = 'receipt (Mẫu 01), supplement-request (Mẫu 02), refusal (Mẫu 03), apology (Mẫu 04), stop-notice (Mẫu 05), process-control (Mẫu 06, officers only), e-receipt (biên lai điện tử), result (kết quả điện tử / thông báo)';
const formParams = dossierCodeParam.extend({ form: z.string().min(1).max(40).describe(`One of: ${FORM_LIST}`) });
const formQuery = z.strictObject({ format: z.enum(['html', 'pdf']).optional().describe('pdf for the print-ready A4 PDF; html (default) otherwise, unless Accept asks for application/pdf') });
const RESPONSES = {
  200: 'The form: text/html, or application/pdf (A4, fonts embedded); Content-Disposition names the file, Repr-Digest is its SHA-256',
  401: 'Not signed in',
  404: 'Unknown code, not theirs, or no such form (the same answer as an unknown code)',
  409: 'The dossier has no such document (yet): not received, no supplement request, not refused, no apology, no result, fee unpaid',
  422: 'Invalid request',
};
const FORM_MEDIA = { 200: { mediaType: ['text/html', 'application/pdf'] } };

declareRoute({ enforceKeys: true, method: 'get', path: '/api/v1/dossiers/:code/forms/:form', summary: 'A legal form of the dossier (Mẫu 01–06, e-receipt, e-result), for officers of its agency: HTML, or PDF with ?format=pdf', tags: ['Officer actions'], access: 'officer', params: formParams, query: formQuery, responses: { ...RESPONSES, 403: 'Not allowed' }, responseStreams: FORM_MEDIA });
declareRoute({ enforceKeys: true, method: 'get', path: '/api/v1/citizen/dossiers/:code/forms/:form', summary: 'The applicant downloads a form of their dossier (Mẫu 01–05, e-receipt, e-result): HTML, or PDF with ?format=pdf', tags: ['Citizen'], access: 'citizen', params: formParams, query: formQuery, responses: RESPONSES, responseStreams: FORM_MEDIA });

const unknownForm = (form: string) => new DomainError('not_found', 'Not found', `Không có biểu mẫu "${form}" của hồ sơ này.`, { reason: 'UnknownForm' });

/** PDF when asked by ?format=pdf or by an Accept header that prefers it to HTML. */
export function wantedFormat(req: Request): FormFormat {
  const { format } = parse(formQuery, req.query, 'query');
  if (format) return format;
  return req.accepts(['html', 'application/pdf']) === 'application/pdf' ? 'pdf' : 'html';
}

/** Sends a rendered form: its type, file name, digest, never cached. */
export function sendForm(res: Response, doc: RenderedForm): void {
  res
    .status(200)
    .set('Content-Type', doc.contentType)
    .set('Content-Disposition', `attachment; filename="${doc.fileName}"`)
    .set('Repr-Digest', `sha-256=:${doc.digest}:`)
    .set('Cache-Control', 'no-store')
    .send(doc.body);
}

export function formRoutes(db: Db, ctx: FormContext): Router {
  const router = apiRouter();

  async function serve(req: Request, res: Response, form: FormId, dossier: NonNullable<Awaited<ReturnType<typeof formDossier>>>) {
    const format = wantedFormat(req);
    sendForm(res, await renderForm(await buildForm(db, dossier, form, ctx), format));
  }

  // Who is asking comes first, then the dossier, then the form: no answer tells a stranger whether a code exists.
  router.get('/dossiers/:code/forms/:form', documentPagePolicy, async (req, res) => {
    const form = String(req.params.form);
    const { dossier } = await officerDossier(db, req, () => formDossier(db, String(req.params.code)));
    if (!isFormId(form)) throw unknownForm(form);
    await serve(req, res, form, dossier);
  });

  router.get('/citizen/dossiers/:code/forms/:form', documentPagePolicy, async (req, res) => {
    const form = String(req.params.form);
    const idNumber = citizenIdOf(req);
    const dossier = await formDossier(db, String(req.params.code));
    requireApplicant(dossier, idNumber);
    if (!isFormId(form) || !CITIZEN_FORMS.includes(form)) throw unknownForm(form);
    await serve(req, res, form, dossier!);
  });

  return router;
}


import { pipeline } from 'node:stream';
import type { Request, Response, Router } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { documentsConfig, type DocumentsConfig } from '../platform/config';
import type { BlobStore } from '../documents/blob-store';
import { contentDisposition } from '../documents/filename';
import type { UploadLimits } from '../documents/receive';
import { agencyEidParams, documentIdParams, dossierCodeParams, parseOr422 } from '../documents/schemas';
import {
  citizenUploadList,
  discardDocument,
  dossierDocumentList,
  dossierForDocuments,
  openDocument,
  receiveDocument,
  recordDocument,
  uploadFingerprint,
  uploadingAgencyId,
  type UploadOwner,
} from '../documents/service';
import { createBlobStore } from '../documents/store';
import { principalOf, requireCitizen, requireOfficer } from './auth';
import { officerDossier, requireApplicant } from './identity';
import { requestFingerprint, takeIdempotencyKey } from './idempotency';
import { HttpProblem } from './problem';

export interface DocumentRoutesOptions {
  store: BlobStore;
  limits: UploadLimits;
}

/** Text fields besides the file: `name` only, so a handful is plenty. */
const MAX_FIELDS = 4;
const MAX_FIELD_BYTES = 2048;
const CITIZEN_LIST_LIMIT = 200;

/** Store and limits from the configuration (DOCUMENTS_STORE, MAX_UPLOAD_BYTES, …). */
export function documentRoutesOptions(config: DocumentsConfig = documentsConfig()): DocumentRoutesOptions {
  return { store: createBlobStore(config), limits: { maxBytes: config.maxUploadBytes, maxFields: MAX_FIELDS, maxFieldBytes: MAX_FIELD_BYTES } };
}

/**
 * Documents (giấy tờ, tài liệu đính kèm): uploads by citizens and officers, downloads and
 * lists (documents/service.ts). Bytes go to the blob store, rows to `documents`.
 */
export function documentRoutes(db: Db, options: DocumentRoutesOptions = documentRoutesOptions()): Router {
  const { store, limits } = options;
  const router = apiRouter();

  async function dossierByCode(code: unknown) {
    const parsed = dossierCodeParams.safeParse({ code });
    return dossierForDocuments(db, parsed.success ? parsed.data.code : null);
  }

  /**
   * Receives the file, then takes the Idempotency-Key with the upload's fingerprint (SHA-256 of
   * the bytes, file name, `name` field): a retry of the same upload gets the first answer and its
   * copy is dropped; another upload under the same key is a 422 and is dropped too.
   */
  async function upload(req: Request, res: Response, owner: UploadOwner): Promise<void> {
    const received = await receiveDocument(store, limits, req);
    let taken: Awaited<ReturnType<typeof takeIdempotencyKey>>;
    try {
      taken = await takeIdempotencyKey(db, req, res, { scope: 'http-create', policy: 'create', fingerprint: () => requestFingerprint(req, { upload: uploadFingerprint(received) }) });
    } catch (err) {
      await discardDocument(store, received);
      throw err;
    }
    if (taken.kind === 'replayed') {
      await discardDocument(store, received);
      return;
    }
    const doc = await recordDocument(db, store, received, owner);
    res.status(201).location(`/api/v1/documents/${doc.id}`).json(doc);
  }

  /** A citizen's own upload, kept for them alone until a submission or supplement claims it. */
  router.post('/citizen/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    await upload(req, res, { owner_id_number: citizen.idNumber });
  });

  /** An officer files a document on a dossier of their agency: papers scanned at the counter, verification minutes, photos. */
  router.post('/dossiers/:code/documents', async (req, res) => {
    const { actor, dossier: d } = await officerDossier(db, req, () => dossierByCode(req.params.code));
    await upload(req, res, { uploaded_by: actor.userId, agency_id: d.agency_id, dossier_id: d.id });
  });

  /** Counter scans made before the dossier exists; the counter submission then claims them. */
  router.post('/agencies/:eid/documents', async (req, res) => {
    const officer = requireOfficer(req);
    const { eid } = parseOr422(agencyEidParams, req.params);
    const agencyId = await uploadingAgencyId(db, officer, eid);
    await upload(req, res, { uploaded_by: officer.userId, agency_id: agencyId });
  });

  /**
   * The bytes, streamed from the blob store with the type detected at upload. Unknown, not
   * yours and not your agency's all answer the same 404, so IDs cannot be probed.
   */
  router.get('/documents/:id', async (req, res) => {
    const principal = principalOf(req);
    if (!principal) throw new HttpProblem(401, 'Unauthenticated', 'Vui lòng đăng nhập để tải tài liệu.');
    const parsed = documentIdParams.safeParse(req.params);
    const { doc, body } = await openDocument(db, store, principal, parsed.success ? parsed.data.id : null);
    res.status(200).set({
      'Content-Type': doc.mediaType,
      'Content-Length': String(doc.sizeBytes),
      'Content-Disposition': contentDisposition(doc.filename),
      'Repr-Digest': `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      // Opened as a page by mistake, the document still runs nothing.
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    if (req.method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    pipeline(body, res, (err) => {
      if (err && !res.writableFinished) process.stderr.write(`api: download of document ${doc.id} cut short: ${err.message}\n`);
    });
  });

  router.get('/dossiers/:code/documents', async (req, res) => {
    const { dossier: d } = await officerDossier(db, req, () => dossierByCode(req.params.code));
    res.json({ code: d.code, documents: await dossierDocumentList(db, d.id) });
  });

  router.get('/citizen/dossiers/:code/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    const d = await dossierByCode(req.params.code);
    requireApplicant(d, citizen.idNumber);
    res.json({ code: d!.code, documents: await dossierDocumentList(db, d!.id) });
  });

  /** The citizen's own uploads, newest first, to pick from when filing or supplementing. */
  router.get('/citizen/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    res.json({ documents: await citizenUploadList(db, citizen.idNumber, CITIZEN_LIST_LIMIT) });
  });

  return router;
}

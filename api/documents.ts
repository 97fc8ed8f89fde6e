import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import { documentsConfig, type DocumentsConfig } from '../platform/config';
import { documentsOfDossier, findDocument, mayRead, nameInDossier, uploadsOfCitizen, type DocumentRecord } from '../documents/access';
import { BlobNotFoundError, type BlobStore } from '../documents/blob-store';
import { contentDisposition } from '../documents/filename';
import { documentNotFound } from '../documents/problems';
import { receiveUpload, type UploadLimits } from '../documents/receive';
import { agencyEidParams, documentIdParams, dossierCodeParams, parseOr422, uploadFields, type DocumentView } from '../documents/schemas';
import { createBlobStore } from '../documents/store';
import { principalOf, requireCitizen, requireOfficer, rolesIn } from './auth';
import { vnTime } from '../domain/vn-time';
import { officerFor, requireApplicant } from './identity';
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

function view(doc: DocumentRecord, name?: string | null): DocumentView {
  return {
    id: doc.id,
    filename: doc.filename,
    name: name ?? nameInDossier(doc),
    mediaType: doc.mediaType as DocumentView['mediaType'],
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    createdAt: vnTime(doc.createdAt)!,
  };
}

const listItem = (doc: DocumentRecord) => ({
  ...view(doc),
  uploadedBy: doc.ownerIdNumber !== null ? ('citizen' as const) : ('officer' as const),
  links: { download: `/api/v1/documents/${doc.id}` },
});

/**
 * Documents (giấy tờ, tài liệu đính kèm): uploads by citizens and officers, downloads and
 * lists. Bytes go to the blob store, rows to `documents`; workflows only ever see IDs.
 */
export function documentRoutes(db: Knex, options: DocumentRoutesOptions = documentRoutesOptions()): Router {
  const { store, limits } = options;
  const router = Router();

  /** Receives the file, then writes its row; the blob is removed if anything after the upload fails. */
  async function receiveAndRecord(req: Request, owner: { owner_id_number?: string; uploaded_by?: number; agency_id?: number; dossier_id?: number }) {
    const upload = await receiveUpload(req, store, limits);
    try {
      const fields = parseOr422(uploadFields, upload.fields);
      const id = randomUUID();
      await db('documents').insert({
        id,
        dossier_id: owner.dossier_id ?? null,
        owner_id_number: owner.owner_id_number ?? null,
        uploaded_by: owner.uploaded_by ?? null,
        agency_id: owner.agency_id ?? null,
        filename: upload.filename,
        media_type: upload.mediaType,
        size_bytes: upload.sizeBytes,
        sha256: upload.sha256,
        storage_key: upload.storageKey,
        name: fields.name ?? null,
      });
      const doc = (await findDocument(db, id))!;
      return view(doc, fields.name ?? null);
    } catch (err) {
      await store.delete(upload.storageKey).catch(() => undefined);
      throw err;
    }
  }

  async function dossierByCode(code: unknown) {
    const parsed = dossierCodeParams.safeParse({ code });
    const d = parsed.success ? await db('dossiers').where({ code: parsed.data.code }).first('id', 'code', 'agency_id', 'applicant_id_number') : undefined;
    return d as { id: number; code: string; agency_id: number; applicant_id_number: string } | undefined;
  }

  /** A citizen's own upload, kept for them alone until a submission or supplement claims it. */
  router.post('/citizen/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    const doc = await receiveAndRecord(req, { owner_id_number: citizen.idNumber });
    res.status(201).location(`/api/v1/documents/${doc.id}`).json(doc);
  });

  /** An officer files a document on a dossier of their agency: papers scanned at the counter, verification minutes, photos. */
  router.post('/dossiers/:code/documents', async (req, res) => {
    const d = await dossierByCode(req.params.code);
    if (!d) throw new HttpProblem(404, 'Not found', `Không có hồ sơ ${String(req.params.code)}.`);
    const actor = await officerFor(db, req, d.agency_id);
    const doc = await receiveAndRecord(req, { uploaded_by: actor.userId, agency_id: d.agency_id, dossier_id: d.id });
    res.status(201).location(`/api/v1/documents/${doc.id}`).json(doc);
  });

  /** Counter scans made before the dossier exists; the counter submission then claims them. */
  router.post('/agencies/:eid/documents', async (req, res) => {
    const officer = requireOfficer(req);
    const { eid } = parseOr422(agencyEidParams, req.params);
    const agency = await db('agencies').where({ eid }).first('id');
    if (!agency || !rolesIn(officer, eid).length) throw new HttpProblem(403, 'Forbidden', `${officer.username} holds no role in agency ${eid}.`);
    const doc = await receiveAndRecord(req, { uploaded_by: officer.userId, agency_id: agency.id });
    res.status(201).location(`/api/v1/documents/${doc.id}`).json(doc);
  });

  /**
   * The bytes, streamed from the blob store with the type detected at upload. Unknown, not
   * yours and not your agency's all answer the same 404, so IDs cannot be probed.
   */
  router.get('/documents/:id', async (req, res) => {
    const principal = principalOf(req);
    if (!principal) throw new HttpProblem(401, 'Unauthenticated', 'Vui lòng đăng nhập để tải tài liệu.');
    const parsed = documentIdParams.safeParse(req.params);
    const doc = parsed.success ? await findDocument(db, parsed.data.id) : null;
    if (!doc || !mayRead(principal, doc)) throw documentNotFound();
    let body;
    try {
      body = await store.get(doc.storageKey);
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
      process.stderr.write(`api: document ${doc.id} has no blob ${doc.storageKey} in the ${store.kind} store\n`);
      throw documentNotFound();
    }
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
    const d = await dossierByCode(req.params.code);
    if (!d) throw new HttpProblem(404, 'Not found', `Không có hồ sơ ${String(req.params.code)}.`);
    await officerFor(db, req, d.agency_id);
    res.json({ code: d.code, documents: (await documentsOfDossier(db, d.id)).map(listItem) });
  });

  router.get('/citizen/dossiers/:code/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    const d = await dossierByCode(req.params.code);
    requireApplicant(d, citizen.idNumber);
    res.json({ code: d!.code, documents: (await documentsOfDossier(db, d!.id)).map(listItem) });
  });

  /** The citizen's own uploads, newest first, to pick from when filing or supplementing. */
  router.get('/citizen/documents', async (req, res) => {
    const citizen = requireCitizen(req);
    const docs = await uploadsOfCitizen(db, citizen.idNumber, CITIZEN_LIST_LIMIT);
    res.json({ documents: docs.map((doc) => ({ ...listItem(doc), dossierCode: doc.dossierCode })) });
  });

  return router;
}

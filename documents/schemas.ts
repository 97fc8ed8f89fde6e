import { z } from 'zod';
import { parseDossierCode } from '../domain/dossier-code';
import { ACCEPTED_MEDIA_TYPES } from './media-types';
import { invalidFields } from './problems';

/**
 * Request and answer shapes of the document endpoints (zod 4). Exported for the OpenAPI
 * document: `z.toJSONSchema(documentSchema)` gives its JSON Schema.
 */

export const documentIdParams = z.object({ id: z.uuid({ error: 'mã tài liệu không đúng định dạng' }) });

export const dossierCodeParams = z.object({
  code: z.string().max(80).refine((c) => parseDossierCode(c) !== null, { error: 'mã hồ sơ không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự>' }),
});

export const agencyEidParams = z.object({ eid: z.string().regex(/^[A-Z0-9]{2,4}(\.[A-Z0-9]{2,4}){1,4}$/, { error: 'mã định danh cơ quan không đúng định dạng' }) });

/** Text fields that may accompany the file; anything else is refused. */
export const uploadFields = z.strictObject(
  {
    name: z
      .string()
      .trim()
      .min(1, { error: 'không được để trống' })
      .max(300, { error: 'tối đa 300 ký tự' })
      .optional()
      .describe('What the document is, e.g. "Tờ khai CT01"'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'trường không được hỗ trợ' : undefined) },
);
export type UploadFields = z.infer<typeof uploadFields>;

export const documentSchema = z.object({
  id: z.uuid(),
  filename: z.string().describe('Sanitised file name, with an extension fitting the detected type'),
  name: z.string().nullable().describe('Document name (e.g. "Tờ khai CT01"), when known'),
  mediaType: z.enum(ACCEPTED_MEDIA_TYPES).describe('Detected from the bytes, never from the name'),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('Hex SHA-256 of the bytes; the download carries it as Repr-Digest'),
  createdAt: z.string().describe('ISO 8601 with the +07:00 offset'),
}).meta({ id: 'Document' });
export type DocumentView = z.infer<typeof documentSchema>;

export const documentListSchema = z.object({
  documents: z.array(documentSchema.extend({ uploadedBy: z.enum(['citizen', 'officer']), links: z.object({ download: z.string() }) })),
});

/** The documents of a dossier (officers of its agency, or its applicant). */
export const dossierDocumentListSchema = documentListSchema.extend({ code: z.string() }).meta({ id: 'DossierDocuments' });

/** The citizen's own uploads, with the dossier each was filed with (null while it is filed with none). */
export const citizenUploadListSchema = z.object({
  documents: z.array(documentListSchema.shape.documents.element.extend({ dossierCode: z.string().nullable() })),
}).meta({ id: 'CitizenUploads' });

/** How a submission or supplement refers to an uploaded file (what claimDocuments checks). */
export const documentReference = z.object({ name: z.string().trim().min(1).max(300), fileId: z.uuid().optional() });

/**
 * Parses with the schema or throws the 422 problem listing each bad field (path as
 * `documents[0].fileId`), like the rest of the API.
 */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value, { error: z.locales.vi().localeError });
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue) => {
    const base = fieldPath(prefix, issue.path);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ field: fieldPath(base, [k]), message: issue.message }));
    return [{ field: base, message: issue.message }];
  });
  throw invalidFields(errors);
}

function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), prefix);
}

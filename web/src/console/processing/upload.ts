import { ApiProblem } from '../../api/client';
import { currentToken } from '../../auth/oidc';

/**
 * Files a document on the dossier (POST /api/v1/dossiers/{code}/documents, multipart, field
 * `file`): the minutes and photos of a visit, referenced afterwards by their id. The key makes a
 * retried upload one document.
 */
export async function uploadDossierDocument(code: string, file: File, name: string, idempotencyKey: string): Promise<{ id: string; name: string }> {
  const form = new FormData();
  form.append('name', name);
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(`/api/v1/dossiers/${encodeURIComponent(code)}/documents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${currentToken() ?? ''}`, 'Idempotency-Key': idempotencyKey },
      body: form,
    });
  } catch {
    throw new ApiProblem(0, { title: 'Network error', detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  const body = (await response.json().catch(() => ({}))) as { id?: string; detail?: string; title?: string; errors?: Array<{ field: string; message: string }> };
  if (!response.ok || !body.id) {
    // The upload's own field errors name its field `file`: they belong to the attachments.
    const errors = body.errors?.map((e) => ({ field: 'attachments', message: `${file.name}: ${e.message}` }));
    throw new ApiProblem(response.status, { ...body, ...(errors ? { errors } : {}) } as never);
  }
  return { id: body.id, name };
}

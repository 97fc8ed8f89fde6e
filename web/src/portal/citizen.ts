import { useQuery } from '@tanstack/react-query';
import { ApiProblem, answer, api, type Problem } from '../api/client';
import type { ApplicantDossier, DossierStatusView } from '../api/types';
import { currentToken, signOut } from '../auth/oidc';

/**
 * What the signed-in citizen reads and does, through the typed client where the contract
 * describes it, and plain fetch for what it cannot (multipart uploads, downloads as a Blob).
 * Bodies of 2xx answers are typed here by hand until the contract describes them (issue 15,
 * API item 1); the generated types then replace these.
 */

/** The applicant's own view of GET /status/{code} (dossiers/lookup.ts ownerStatus): also what officers wrote to them. */
export interface OwnDossier extends Omit<DossierStatusView, 'pending'> {
  pending:
    | { kind: 'supplement'; items: string[]; reason: string | null; itemCount: number; deadline: string | null }
    | { kind: 'site_visit'; visit: { date: string; from: string; to: string; place?: string } }
    | null;
  closingReason: string | null;
}

/** POST /citizen/documents, 201 (documents/service.ts documentView). */
export interface UploadedDocument {
  id: string;
  filename: string;
  name: string;
  mediaType: string;
  sizeBytes: number;
  createdAt: string;
}

/** POST /citizen/dossiers/{code}/payments, 201. */
export interface StartedPayment {
  paymentId: string;
  paymentUrl: string;
}

/** POST /citizen/dossiers/{code}/rating, 201 (and the `rating` of a 409 AlreadyRated). */
export interface Rating {
  code: string;
  level: 'very_satisfied' | 'satisfied' | 'not_satisfied';
  label: string;
  comment: string | null;
  ratedAt: string;
}

/** A fresh Idempotency-Key: one per action the citizen means, reused only by retries of it. */
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** A 401 means the sign-in ran out: the token is dropped, and the pages ask to sign in again. */
export async function citizenAnswer<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await answer<T>(request);
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) signOut();
    throw err;
  }
}

export const useMyDossiers = (enabled: boolean) =>
  useQuery({
    queryKey: ['citizen', 'dossiers'],
    enabled,
    staleTime: 0,
    queryFn: async () => (await citizenAnswer<{ dossiers: ApplicantDossier[] }>(api.GET('/api/v1/citizen/dossiers'))).dossiers,
  });

export const useMyDossier = (code: string, enabled: boolean) =>
  useQuery({
    queryKey: ['citizen', 'dossier', code],
    enabled,
    staleTime: 0,
    queryFn: () => citizenAnswer<OwnDossier>(api.GET('/api/v1/status/{code}', { params: { path: { code } } })),
    // Just submitted: the workflow records the submission and fixes the fee a moment later.
    refetchInterval: (q) => {
      const d = q.state.data;
      return d && (d.history.length === 0 || (d.status.code === 'SUBMITTED' && d.fee === null)) && q.state.dataUpdateCount < 20 ? 1500 : false;
    },
  });

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: Problem = { detail: undefined };
  try {
    body = (await res.json()) as Problem;
  } catch {
    // not problem+json
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new ApiProblem(res.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = currentToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiProblem(0, { detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  if (!res.ok) {
    if (res.status === 401) signOut();
    throw await problemOf(res);
  }
  return res;
}

/** Uploads one file of the citizen's (kept for them until a submission or supplement names it). */
export async function uploadDocument(file: File, name: string, key: string): Promise<UploadedDocument> {
  const form = new FormData();
  form.append('name', name);
  form.append('file', file, file.name);
  const res = await send('/api/v1/citizen/documents', { method: 'POST', body: form, headers: { 'Idempotency-Key': key } });
  return (await res.json()) as UploadedDocument;
}

/** The file name the answer's Content-Disposition gives, else `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/**
 * Downloads a document of the citizen's through fetch with the token in memory, saved as a Blob
 * (a plain link could not carry the token). Resolves with what was saved, for the page to say.
 */
export async function download(path: string, fallbackName: string): Promise<{ fileName: string; type: string; size: number }> {
  const res = await send(path, { method: 'GET' });
  const blob = await res.blob();
  const fileName = fileNameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has taken the file; the object URL is let go a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return { fileName, type: blob.type, size: blob.size };
}

/** The API's field paths ("applicant.phone", "documents[0].fileId") → the form's field names. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiProblem) || err.status !== 422) return {};
  const list = (err.problem as { errors?: Array<{ field: string; message: string }> }).errors ?? [];
  const out: Record<string, string> = {};
  for (const e of list) if (!out[e.field]) out[e.field] = e.message;
  return out;
}

/** An API field message ("số điện thoại Việt Nam, ví dụ 0912345678") as a sentence under the field. */
export const fieldMessage = (message: string) => `Chưa hợp lệ: ${message}.`.replace(/\.\.$/, '.');

/** Bytes as people read them: "12 KB", "1,4 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}

import { ApiProblem } from '../../api/client';
import { currentToken } from '../../auth/oidc';

/** The legal forms of a dossier the API renders (GET /api/v1/dossiers/{code}/forms/{form}). */
export const FORMS = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)',
  'supplement-request': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
  'stop-notice': 'Phiếu đề nghị dừng giải quyết hồ sơ (Mẫu 05)',
  'process-control': 'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)',
  'e-receipt': 'Biên lai điện tử thu phí, lệ phí',
  result: 'Kết quả giải quyết',
} as const;
export type FormName = keyof typeof FORMS;

/**
 * Fetches a form as PDF with the officer's token (never a plain link: the token lives in
 * memory) and opens it in a new tab for printing, or saves it when `save` is set. Throws an
 * ApiProblem (Vietnamese detail) when the form does not exist yet for this dossier.
 */
export async function openForm(code: string, form: FormName, opts: { save?: boolean } = {}): Promise<void> {
  // Opened before the fetch, while the click still counts as the user's: browsers block later pop-ups.
  const tab = opts.save ? null : window.open('', '_blank');
  let response: Response;
  try {
    response = await fetch(`/api/v1/dossiers/${encodeURIComponent(code)}/forms/${form}?format=pdf`, {
      headers: { Authorization: `Bearer ${currentToken() ?? ''}`, Accept: 'application/pdf' },
    });
  } catch {
    tab?.close();
    throw new ApiProblem(0, { title: 'Network error', detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  if (!response.ok) {
    tab?.close();
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string; reason?: string };
    throw new ApiProblem(response.status, problem);
  }
  const url = URL.createObjectURL(await response.blob());
  if (tab) tab.location.href = url;
  else {
    const a = document.createElement('a');
    a.href = url;
    a.download = `${code}-${form}.pdf`;
    a.click();
  }
  // The tab has loaded it by then; the object URL is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

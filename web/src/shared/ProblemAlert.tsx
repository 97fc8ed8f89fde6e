import { Alert } from '@mantine/core';
import { ApiProblem } from '../api/client';

/** Titles of the explained errors; the detail is the API's own Vietnamese sentence. */
function titleOf(err: ApiProblem): string {
  if (err.status === 0) return 'Mất kết nối';
  if (err.status === 404) return 'Không tìm thấy';
  if (err.status === 429) return 'Tạm thời bị khóa';
  if (err.status === 400 || err.status === 422) return 'Thông tin chưa hợp lệ';
  if (err.status >= 500) return 'Hệ thống đang bận';
  return 'Không thực hiện được';
}

/** A problem+json answer, explained in Vietnamese, announced to screen readers. */
export function ProblemAlert({ error, testId }: { error: unknown; testId?: string }) {
  const err = error instanceof ApiProblem ? error : new ApiProblem(0, { detail: undefined });
  const detail =
    err.problem.detail && /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i.test(err.problem.detail)
      ? err.problem.detail
      : err.status >= 500
        ? 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.'
        : 'Yêu cầu chưa thực hiện được. Vui lòng thử lại.';
  return (
    <Alert color={err.status === 429 ? 'orange' : 'red'} variant="light" title={titleOf(err)} role="alert" data-testid={testId}>
      {detail}
    </Alert>
  );
}

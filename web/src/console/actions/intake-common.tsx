import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiProblem } from '../../api/client';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { FORMS, openForm, type FormName } from '../dossier/forms';

/** One key per opened dialog: a double click, or a retry after a lost answer, makes one action. */
export function useIdempotencyKey(): string {
  const [key] = useState(() => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`));
  return key;
}

/**
 * The API's 422 field errors ({field, message}) by the form's field: the first segment of the
 * field's path ("waivers[0].reason" → "waivers"), and the whole path too.
 */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiProblem) || (err.status !== 422 && err.status !== 400)) return {};
  const list = (err.problem as { errors?: Array<{ field?: string; message?: string }> }).errors ?? [];
  const out: Record<string, string> = {};
  for (const e of list) {
    if (!e.field || !e.message) continue;
    const path = e.field.replace(/^body\./, '');
    out[path] ??= e.message;
    const head = path.split(/[.[]/)[0]!;
    out[head] ??= e.message;
  }
  return out;
}

/** Text with one item per line, as a list (empty lines dropped). */
export const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** A button that fetches a form of the dossier as PDF and opens it for printing; its error said in Vietnamese. */
export function PrintFormButton({ code, form, label, variant = 'filled', focus = false }: { code: string; form: FormName; label?: string; variant?: string; focus?: boolean }) {
  const ref = useRef<HTMLButtonElement>(null);
  // Shown in place of the form just sent: the keyboard continues here, at the next step.
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Stack gap="xs" align="flex-start">
      <Button
        ref={ref}
        variant={variant}
        loading={busy}
        data-form={form}
        onClick={() => {
          setBusy(true);
          setError(null);
          openForm(code, form)
            .catch((e: unknown) => setError(e))
            .finally(() => setBusy(false));
        }}
      >
        {label ?? `In ${FORMS[form]}`}
      </Button>
      {error !== null && <ProblemAlert error={error} title="Chưa in được" />}
    </Stack>
  );
}

/** What a dialog shows once the action is done: what happened, the form to print, and closing. */
export function Done({ title, children, print, onClose }: { title: string; children?: ReactNode; print?: ReactNode; onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!print) close.current?.focus();
  }, [print]);
  return (
    <Stack>
      <Alert color="green" variant="light" title={title} role="status" data-testid="action-done">
        {children}
      </Alert>
      {print}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} ref={close}>
          Đóng
        </Button>
      </Group>
    </Stack>
  );
}

export function Hint({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

/** Whether a text is Vietnamese (the API's details are, once translated; a few older ones are still English). */
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/**
 * A refused action explained in Vietnamese: the API's detail; for a 409 (someone acted first)
 * also the dossier's status now, as read again after the refusal, instead of "try again".
 */
export function ActionError({ error, status }: { error: unknown; status: string }) {
  if (!(error instanceof ApiProblem && error.status === 409)) {
    return (
      <div data-testid="action-error">
        <ProblemAlert error={error} />
      </div>
    );
  }
  const detail = error.problem.detail && VIETNAMESE.test(error.problem.detail) ? error.problem.detail : null;
  return (
    <Alert color="red" variant="light" title="Hồ sơ vừa được xử lý" role="alert" data-testid="action-error">
      <Stack gap={4}>
        {detail && <Text size="sm">{detail}</Text>}
        <Text size="sm" data-testid="conflict-status">
          Thao tác này không còn thực hiện được vì hồ sơ đã thay đổi (có thể do cán bộ khác vừa xử lý). Trạng thái hiện tại: <strong>{status}</strong>.
        </Text>
      </Stack>
    </Alert>
  );
}

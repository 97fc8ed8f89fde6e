import { Button, Group, Modal, Stack } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiProblem } from '../../api/client';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { useDossierAction } from '../dossier/api';

export type FieldErrors = Record<string, string>;

/** A fresh key per attempt: a retry after a lost answer reuses it, a corrected form gets a new one. */
const newKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/**
 * The state of one action dialog: the officer's field errors (ours before sending, the API's 422
 * after), the refusal to explain (409/403/…), and `send`, which runs the action once however
 * often it is pressed (the button is disabled while pending and the Idempotency-Key holds).
 *
 * `fieldOf` maps an API field path ("visit.date", "reasons[0]") to the form's field name; what
 * it cannot place is explained above the buttons.
 */
export function useActionForm<Body>(code: string, path: string, fieldOf?: (apiField: string) => string | undefined) {
  return useFormOf<Body>(useDossierAction<Body>(code, path), fieldOf);
}

/** What useFormOf sends through: a dossier's action or a leg's (interagency/api.ts useLegAction). */
export interface ActionMutation<Body> {
  mutateAsync(vars: { body: Body; idempotencyKey: string }): Promise<unknown>;
  isPending: boolean;
}

/** useActionForm over any action (the legs' as well as the dossiers'). */
export function useFormOf<Body>(action: ActionMutation<Body>, fieldOf: (apiField: string) => string | undefined = (f) => f.split(/[.[]/)[0]) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const key = useRef(newKey());
  // Uploads run before the action itself: the dialog is busy from the first press to the answer.
  const busy = useRef(false);
  const [working, setWorking] = useState(false);

  /** Shows `found` (field → message); true when there were none. Each call moves focus to the first field in error. */
  const check = (found: FieldErrors): boolean => {
    const clean: FieldErrors = Object.fromEntries(Object.entries(found).filter(([, v]) => v));
    setErrors(clean);
    setAttempt((n) => n + 1);
    return Object.keys(clean).length === 0;
  };

  /** The officer is correcting `field`: its message goes. */
  const clear = (field: string) =>
    setErrors((e) => {
      if (!(field in e)) return e;
      const rest = { ...e };
      delete rest[field];
      return rest;
    });

  const send = async (body: Body | (() => Promise<Body>), onSuccess?: (result: unknown) => void): Promise<void> => {
    if (busy.current) return;
    busy.current = true;
    setWorking(true);
    setProblem(null);
    try {
      const resolved = typeof body === 'function' ? await (body as () => Promise<Body>)() : body;
      const result = await action.mutateAsync({ body: resolved, idempotencyKey: key.current });
      onSuccess?.(result);
    } catch (err) {
      if (err instanceof ApiProblem && err.status !== 0) key.current = newKey();
      const fieldErrors = err instanceof ApiProblem ? ((err.problem as { errors?: Array<{ field: string; message: string }> }).errors ?? []) : [];
      const placed: FieldErrors = {};
      let unplaced = false;
      for (const e of fieldErrors) {
        const f = fieldOf(e.field);
        if (f) placed[f] ??= upperFirst(e.message);
        else unplaced = true;
      }
      if (Object.keys(placed).length) check(placed);
      if (!Object.keys(placed).length || unplaced) setProblem(err);
    } finally {
      busy.current = false;
      setWorking(false);
    }
  };

  return { errors, setErrors, check, clear, send, problem, pending: working || action.isPending, attempt };
}

const upperFirst = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export interface ActionModalProps {
  title: string;
  onClose(): void;
  onSubmit(): void;
  pending: boolean;
  problem: unknown;
  /** Changes with every check: focus then goes to the first field in error. */
  attempt: number;
  submitLabel: string;
  submitColor?: string;
  size?: string;
  children: ReactNode;
  /** Replaces the form once the action is done (e.g. the offer to print Form 04). */
  done?: ReactNode;
  testId?: string;
}

/**
 * The frame of every officer action dialog: a titled modal (Escape closes it, focus stays
 * inside), a form submitted by Enter or its button, the refusal explained in Vietnamese, and
 * "Hủy" beside the action. The button that opened it gets focus back (ActionBar).
 */
export function ActionModal(props: ActionModalProps) {
  const { title, onClose, onSubmit, pending, problem, attempt, submitLabel, submitColor, size = 'lg', children, done, testId } = props;
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!attempt) return;
    // After a refused check, the officer lands on what to correct.
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [attempt]);
  return (
    <Modal opened onClose={onClose} title={title} size={size} data-testid={testId} closeButtonProps={{ 'aria-label': 'Đóng' }}>
      {done ?? (
        <form
          ref={form}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!pending) onSubmit();
          }}
        >
          <Stack gap="md">
            {children}
            {problem ? <ProblemAlert error={explained(problem)} testId="action-problem" /> : null}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                Hủy
              </Button>
              <Button type="submit" color={submitColor} loading={pending} disabled={pending} data-testid="action-submit">
                {submitLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/**
 * A refusal said in Vietnamese even when the API's detail is not (yet): a 409 means the dossier
 * is no longer at a step where this action fits; the page behind has been read again.
 */
function explained(problem: unknown): unknown {
  if (!(problem instanceof ApiProblem) || (problem.problem.detail && VIETNAMESE.test(problem.problem.detail))) return problem;
  if (problem.status === 409) {
    return new ApiProblem(409, { ...problem.problem, detail: 'Hồ sơ không còn ở bước cho phép thao tác này (có thể cán bộ khác vừa xử lý). Thông tin hồ sơ đã được cập nhật; vui lòng xem lại trạng thái trước khi thao tác.' });
  }
  if (problem.status === 403) {
    return new ApiProblem(403, { ...problem.problem, detail: 'Ông/Bà không có quyền thực hiện thao tác này với hồ sơ ở bước hiện tại (chỉ chuyên viên thụ lý hoặc lãnh đạo cơ quan).' });
  }
  return problem;
}

/** Lines of a textarea as a list ("mỗi dòng một lý do"), blank ones dropped. */
export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Optional text: undefined when blank (the API refuses empty strings where text is optional). */
export const optional = (text: string): string | undefined => (text.trim() ? text.trim() : undefined);

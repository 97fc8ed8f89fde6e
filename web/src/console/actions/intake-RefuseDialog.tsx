import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useDossierAction } from '../dossier/api';
import type { ActionDialogProps } from './types';
import { ActionError, Done, fieldErrorsOf, Hint, lines, PrintFormButton, useIdempotencyKey } from './intake-common';

/** Từ chối tiếp nhận: the concrete reasons (one per line, required); then the slip (Mẫu 03) to print. */
export function RefuseIntakeDialog({ dossier, opened, onClose }: ActionDialogProps) {
  const action = useDossierAction<{ reasons: string[] }>(dossier.code, 'intake/refuse');
  const key = useIdempotencyKey();
  const [reasons, setReasons] = useState('');
  const [error, setError] = useState<string | null>(null);
  const server = fieldErrorsOf(action.error);

  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title={`Từ chối tiếp nhận hồ sơ ${dossier.code}`} size="lg" centered>
      {action.data ? (
        <Done title="Đã từ chối tiếp nhận hồ sơ" onClose={onClose} print={<PrintFormButton code={dossier.code} form="refusal" label="In phiếu từ chối (Mẫu 03)" focus />}>
          Công dân được thông báo lý do từ chối.
        </Done>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const list = lines(reasons);
            if (!list.length) return setError('Vui lòng ghi rõ lý do từ chối (mỗi dòng một lý do).');
            setError(null);
            action.mutate({ body: { reasons: list }, idempotencyKey: key });
          }}
        >
          <Stack>
            <Textarea
              label="Lý do từ chối (mỗi dòng một lý do)"
              required
              value={reasons}
              onChange={(e) => setReasons(e.currentTarget.value)}
              autosize
              minRows={3}
              error={error ?? server.reasons}
              data-autofocus
            />
            <Hint>Lý do phải cụ thể; phiếu từ chối (Mẫu 03) ghi đúng các lý do này.</Hint>
            {action.error && <ActionError error={action.error} status={dossier.status.label} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Hủy
              </Button>
              <Button type="submit" color="red.9" loading={action.isPending} disabled={action.isPending}>
                Từ chối tiếp nhận
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

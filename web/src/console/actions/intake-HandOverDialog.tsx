import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useDossierAction } from '../dossier/api';
import type { ActionDialogProps } from './types';
import { ActionError, Done, fieldErrorsOf, useIdempotencyKey } from './intake-common';

/** Trả kết quả tại quầy: to whom (the applicant by default, or who they authorised), a note; the dossier is then completed. */
export function HandOverResultDialog({ dossier, opened, onClose }: ActionDialogProps) {
  const action = useDossierAction<{ receivedBy: string; note?: string }>(dossier.code, 'result/handover');
  const key = useIdempotencyKey();
  const [receivedBy, setReceivedBy] = useState(dossier.applicant?.fullName ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const server = fieldErrorsOf(action.error);

  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title={`Trả kết quả hồ sơ ${dossier.code}`} size="lg" centered>
      {action.data ? (
        <Done title="Đã trả kết quả" onClose={onClose}>
          Kết quả đã giao cho {receivedBy.trim()}.
        </Done>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!receivedBy.trim()) return setError('Vui lòng ghi họ tên người nhận kết quả.');
            setError(null);
            action.mutate({ body: { receivedBy: receivedBy.trim(), ...(note.trim() ? { note: note.trim() } : {}) }, idempotencyKey: key });
          }}
        >
          <Stack>
            <TextInput
              label="Người nhận kết quả"
              description="Người nộp hồ sơ, hoặc người được ủy quyền (ghi rõ giấy ủy quyền ở phần ghi chú)."
              required
              value={receivedBy}
              onChange={(e) => setReceivedBy(e.currentTarget.value)}
              error={error ?? server.receivedBy}
              maxLength={200}
              data-autofocus
            />
            <Textarea label="Ghi chú" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} error={server.note} />
            {action.error && <ActionError error={action.error} status={dossier.status.label} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Hủy
              </Button>
              <Button type="submit" loading={action.isPending} disabled={action.isPending}>
                Xác nhận đã trả kết quả
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

import { Button, Group, Modal, NumberInput, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useDossierAction } from '../dossier/api';
import type { ActionDialogProps } from './types';
import type { Checklist } from './intake-AcceptIntakeDialog';
import { ActionError, Done, fieldErrorsOf, Hint, lines, PrintFormButton, useIdempotencyKey } from './intake-common';

/**
 * Yêu cầu bổ sung hồ sơ at intake: everything missing listed once (prefilled with the required
 * documents the checklist finds missing), the reason and the deadline in working days; then the
 * slip (Mẫu 02) to print.
 */
export function RequestIntakeSupplementDialog({ dossier, opened, onClose }: ActionDialogProps) {
  const action = useDossierAction<{ items: string[]; reason?: string; deadlineWorkingDays?: number }>(dossier.code, 'intake/supplement-request');
  const key = useIdempotencyKey();
  const checklist = dossier.checklist as Checklist | undefined;
  const [items, setItems] = useState(() => (checklist?.missing ?? []).map((m) => m.name).join('\n'));
  const [reason, setReason] = useState('');
  const [days, setDays] = useState<number | string>(5);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const server = fieldErrorsOf(action.error);

  const submit = () => {
    const list = lines(items);
    const next: Record<string, string> = {};
    if (!list.length) next.items = 'Vui lòng ghi ít nhất một giấy tờ, nội dung cần bổ sung.';
    if (days !== '' && (!Number.isInteger(Number(days)) || Number(days) < 1 || Number(days) > 60)) next.deadline = 'Thời hạn bổ sung là số ngày làm việc từ 1 đến 60.';
    setErrors(next);
    if (Object.keys(next).length) return;
    action.mutate({
      body: { items: list, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(days !== '' ? { deadlineWorkingDays: Number(days) } : {}) },
      idempotencyKey: key,
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title={`Yêu cầu bổ sung hồ sơ ${dossier.code}`} size="lg" centered>
      {action.data ? (
        <Done title="Đã gửi yêu cầu bổ sung" onClose={onClose} print={<PrintFormButton code={dossier.code} form="supplement-request" label="In phiếu yêu cầu bổ sung (Mẫu 02)" focus />}>
          Công dân được thông báo các nội dung cần bổ sung và thời hạn.
        </Done>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack>
            <Textarea
              label="Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)"
              description="Ghi đầy đủ một lần tất cả nội dung cần bổ sung, hoàn thiện."
              required
              value={items}
              onChange={(e) => setItems(e.currentTarget.value)}
              autosize
              minRows={3}
              error={errors.items ?? server.items}
              data-autofocus
            />
            <Textarea label="Lý do" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={2000} error={server.reason} />
            <NumberInput
              label="Thời hạn bổ sung (ngày làm việc)"
              value={days}
              onChange={setDays}
              min={1}
              max={60}
              allowDecimal={false}
              w={240}
              error={errors.deadline ?? server.deadlineWorkingDays ?? server.deadline}
            />
            <Hint>Quá thời hạn mà công dân không bổ sung, hồ sơ được đóng theo quy định.</Hint>
            {action.error && <ActionError error={action.error} status={dossier.status.label} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Hủy
              </Button>
              <Button type="submit" color="#b8410c" loading={action.isPending} disabled={action.isPending}>
                Gửi yêu cầu bổ sung
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ActionDialogProps } from './types';
import { CashPayment } from './intake-CashPayment';

/** Thu phí, lệ phí tại quầy (the dossier's fee, with the e-receipt). */
export function RecordPaymentDialog({ dossier, opened, onClose }: ActionDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title={`Thu phí, lệ phí hồ sơ ${dossier.code}`} size="lg" centered>
      <Stack>
        <CashPayment code={dossier.code} autoFocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Đóng
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import { Badge, Button, Checkbox, Group, List, Modal, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { dateTimeVn } from '../../shared/format';
import { useDossierAction } from '../dossier/api';
import type { ActionDialogProps } from './types';
import { ActionError, Done, fieldErrorsOf, Hint, PrintFormButton, useIdempotencyKey } from './intake-common';

/** Thành phần hồ sơ as the officer's view gives it (dossiers/checklist.ts). */
export interface ChecklistLine {
  item: number;
  name: string;
  required: boolean;
  copies: number;
  status: 'supplied' | 'waived' | 'missing' | 'not_supplied';
  documents: Array<{ documentId: string | null; name: string | null; form: 'file' | 'paper'; source: string }>;
  waiver: { reason: string } | null;
}
export interface Checklist {
  items: ChecklistLine[];
  complete: boolean;
  missing: Array<{ item: number; name: string }>;
}

export const STATUS_BADGE: Record<ChecklistLine['status'], { label: string; color: string }> = {
  supplied: { label: 'Đã có', color: 'green' },
  waived: { label: 'Được miễn', color: 'blue' },
  missing: { label: 'Còn thiếu', color: 'red' },
  not_supplied: { label: 'Không bắt buộc', color: 'gray' },
};

interface Answer {
  appointmentAt?: string | null;
}

/**
 * Tiếp nhận hồ sơ: the procedure's checklist (each item supplied, or missing), a required item
 * not supplied waived with a reason, a note; then the receipt (Mẫu 01) to print.
 */
export function AcceptIntakeDialog({ dossier, opened, onClose }: ActionDialogProps) {
  const action = useDossierAction<{ note?: string; waivers?: Array<{ item: number; reason: string }> }>(dossier.code, 'intake/accept');
  const key = useIdempotencyKey();
  const checklist = dossier.checklist as Checklist | undefined;
  const [waive, setWaive] = useState<Record<number, boolean>>({});
  const [reasons, setReasons] = useState<Record<number, string>>({});
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const server = fieldErrorsOf(action.error);
  const done = action.data as Answer | undefined;

  const submit = () => {
    const missing = checklist?.items.filter((l) => l.status === 'missing') ?? [];
    const next: Record<string, string> = {};
    for (const l of missing) {
      if (!waive[l.item]) next[`item-${l.item}`] = 'Giấy tờ bắt buộc còn thiếu: đánh dấu miễn và ghi lý do, hoặc yêu cầu bổ sung (Mẫu 02).';
      else if (!reasons[l.item]?.trim()) next[`reason-${l.item}`] = 'Vui lòng ghi lý do miễn giấy tờ này.';
    }
    setErrors(next);
    if (Object.keys(next).length) return;
    const waivers = missing.map((l) => ({ item: l.item, reason: reasons[l.item]!.trim() }));
    action.mutate({ body: { ...(note.trim() ? { note: note.trim() } : {}), ...(waivers.length ? { waivers } : {}) }, idempotencyKey: key });
  };

  return (
    <Modal opened={opened} onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title={`Tiếp nhận hồ sơ ${dossier.code}`} size="lg" centered>
      {done ? (
        <Done
          title="Đã tiếp nhận hồ sơ"
          onClose={onClose}
          print={<PrintFormButton code={dossier.code} form="receipt" label="In giấy tiếp nhận (Mẫu 01)" focus />}
        >
          {done.appointmentAt ? `Ngày hẹn trả kết quả: ${dateTimeVn(done.appointmentAt)}.` : 'Ngày hẹn trả được tính khi hồ sơ đủ điều kiện (ví dụ sau khi nộp phí, lệ phí).'}
        </Done>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          noValidate
        >
          <Stack>
            <Text fw={600} id="checklist-title">
              Thành phần hồ sơ
            </Text>
            {!checklist?.items.length && <Hint>Thủ tục không quy định thành phần hồ sơ.</Hint>}
            <Stack gap="xs" aria-labelledby="checklist-title" role="list">
              {checklist?.items.map((l) => {
                const badge = STATUS_BADGE[l.status];
                return (
                  <Paper key={l.item} withBorder p="xs" role="listitem" data-item={l.item}>
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <div>
                        <Text size="sm">
                          {l.item}. {l.name}
                          {l.required ? '' : ' (không bắt buộc)'}
                        </Text>
                        {l.documents.length > 0 && (
                          <List size="xs" c="dimmed">
                            {l.documents.map((d, i) => (
                              <List.Item key={d.documentId ?? `${i}`}>
                                {d.name ?? 'Giấy tờ'} — {d.form === 'file' ? 'tệp điện tử' : 'bản giấy'}
                              </List.Item>
                            ))}
                          </List>
                        )}
                      </div>
                      <Badge variant="light" color={badge.color} style={{ flexShrink: 0, textTransform: 'none' }}>
                        {badge.label}
                      </Badge>
                    </Group>
                    {l.status === 'missing' && (
                      <Stack gap={6} mt="xs">
                        <Checkbox
                          label="Miễn giấy tờ này (đã đối chiếu hoặc không cần)"
                          checked={!!waive[l.item]}
                          onChange={(e) => setWaive({ ...waive, [l.item]: e.currentTarget.checked })}
                          error={errors[`item-${l.item}`]}
                        />
                        {waive[l.item] && (
                          <TextInput
                            label={`Lý do miễn giấy tờ số ${l.item}`}
                            required
                            value={reasons[l.item] ?? ''}
                            onChange={(e) => setReasons({ ...reasons, [l.item]: e.currentTarget.value })}
                            error={errors[`reason-${l.item}`] ?? server.waivers}
                            placeholder="Ví dụ: Đã đối chiếu bản chính tại quầy"
                          />
                        )}
                      </Stack>
                    )}
                  </Paper>
                );
              })}
            </Stack>
            <Textarea label="Ghi chú" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} error={server.note} />
            {action.error && <ActionError error={action.error} status={dossier.status.label} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Hủy
              </Button>
              <Button type="submit" loading={action.isPending} disabled={action.isPending}>
                Tiếp nhận
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

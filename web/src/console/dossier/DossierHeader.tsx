import { Badge, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { CHANNEL_LABEL, dateTimeVn } from '../../shared/format';
import { ActionBar } from '../actions/ActionBar';
import { DUE_COLOR, dueWords } from '../worklist/due';
import type { OfficerDossier } from './api';
import { useDeadline, useProcessControl } from './detail-api';
import { DELIVERY_LABEL, stepLabel } from './labels';
import { timeLeft } from './time-left';

const STATUS_COLOR: Record<string, string> = {
  COMPLETED: 'teal',
  APPROVED: 'teal',
  RESULT_DELIVERED: 'teal',
  DENIED: 'red',
  REFUSED_AT_INTAKE: 'red',
  CLOSED_UNSUPPLEMENTED: 'red',
  CANCELLED: 'gray',
  WITHDRAWN: 'gray',
  SUPPLEMENT_AT_INTAKE: 'orange',
  SUPPLEMENT_REQUESTED: 'orange',
};

function Item({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text size="sm" fw={500} component="div" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/** A step's due time: coloured and in words ("Còn 2 ngày làm việc"), then the instant. */
function StepDue({ dueAt }: { dueAt: string }) {
  const due = dueWords(dueAt);
  return (
    <Text size="xs" component="div" data-testid="routed-step-due">
      <Badge variant="light" color={DUE_COLOR[due.tone]} size="sm" radius="sm" style={{ textTransform: 'none' }}>
        {due.text}
      </Badge>{' '}
      hạn bước {dateTimeVn(dueAt)}
    </Text>
  );
}

/**
 * The dossier at a glance: status, who holds it at which step, the time left (coloured and in
 * words), the applicant and the dates; then the actions the officer may take.
 */
export function DossierHeader({ dossier }: { dossier: OfficerDossier }) {
  const deadline = useDeadline(dossier.code);
  const sheet = useProcessControl(dossier.code);
  const open = sheet.data?.handoffs.filter((h) => !h.doneAt).at(-1);
  const left = deadline.data ? timeLeft(deadline.data) : null;
  const a = dossier.applicant;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="dossier-summary-heading">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text id="dossier-summary-heading" fw={700} size="lg" component="h2" m={0}>
              {dossier.procedure?.name}
            </Text>
            <Text size="sm" c="dimmed">
              {dossier.agency?.name}
            </Text>
          </div>
          <Group gap="xs" wrap="nowrap">
            <Badge size="lg" variant="light" color={STATUS_COLOR[dossier.status.code] ?? 'blue'} radius="sm" style={{ textTransform: 'none' }} data-testid="dossier-status">
              {dossier.status.label}
            </Badge>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md" verticalSpacing="xs">
          <Item label="Người nộp hồ sơ" testId="applicant">
            {a?.fullName}
            <Text size="xs" c="dimmed" component="div">
              CCCD/CMND {a?.idNumber}
            </Text>
            {(a?.phone || a?.email) && (
              <Text size="xs" c="dimmed" component="div">
                {[a?.phone, a?.email].filter(Boolean).join(' · ')}
              </Text>
            )}
            {a?.address && (
              <Text size="xs" c="dimmed" component="div">
                {a.address}
              </Text>
            )}
          </Item>
          <Item label="Đang xử lý" testId="holder">
            {open ? (
              <>
                {open.receiver.name ?? open.receiver.unit}
                <Text size="xs" c="dimmed" component="div">
                  Bước: {stepLabel(open.step)}
                </Text>
              </>
            ) : sheet.isPending ? (
              '…'
            ) : (
              <>
                Không còn bước nào đang mở
                {dossier.assignee && (
                  <Text size="xs" c="dimmed" component="div">
                    Chuyên viên xử lý: {dossier.assignee.fullName}
                  </Text>
                )}
              </>
            )}
          </Item>
          {dossier.step && (
            <Item label="Bước quy trình nội bộ" testId="routed-step">
              {dossier.step.name}
              <Text size="xs" c="dimmed" component="div">
                {dossier.step.unit}
                {dossier.procedureVersion && !dossier.procedureVersion.isDefault ? ` · Quy trình phiên bản ${dossier.procedureVersion.version}` : ''}
              </Text>
              {dossier.step.dueAt && <StepDue dueAt={dossier.step.dueAt} />}
            </Item>
          )}
          <Item label="Thời hạn giải quyết" testId="time-left">
            {left ? (
              <>
                <Badge variant="light" color={left.color} size="lg" radius="sm" style={{ textTransform: 'none' }}>
                  {left.words}
                </Badge>
                {left.detail && (
                  <Text size="xs" c="dimmed" component="div">
                    {left.detail}
                  </Text>
                )}
              </>
            ) : (
              '…'
            )}
          </Item>
          <Item label="Kênh nộp, hình thức nhận kết quả">
            {CHANNEL_LABEL[dossier.channel ?? ''] ?? dossier.channel}
            <Text size="xs" c="dimmed" component="div">
              {DELIVERY_LABEL[dossier.deliveryMethod ?? ''] ?? dossier.deliveryMethod}
            </Text>
          </Item>
          <Item label="Ngày nộp" testId="submitted-at">
            {dateTimeVn(dossier.submittedAt)}
          </Item>
          <Item label="Ngày tiếp nhận" testId="received-at">
            {dateTimeVn(dossier.receivedAt)}
          </Item>
          <Item label="Ngày hẹn trả kết quả" testId="appointment-at">
            {dateTimeVn(dossier.appointmentAt)}
          </Item>
          <Item label="Số kết quả">{dossier.resultNumber ?? '—'}</Item>
        </SimpleGrid>
        <ActionBar dossier={dossier} />
      </Stack>
    </Card>
  );
}

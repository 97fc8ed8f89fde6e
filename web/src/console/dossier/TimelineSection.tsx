import { Text, Timeline } from '@mantine/core';
import type { ReactNode } from 'react';
import { dateTimeVn, PAYMENT_METHOD_LABEL, vnd } from '../../shared/format';
import type { OfficerDossier } from './api';
import { eventLabel, roleLabel } from './labels';

type Event = NonNullable<OfficerDossier['events']>[number];

/** The few facts of an event an officer reads in the log: what was asked, paid, proposed, noted. */
function details(e: Event): ReactNode[] {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const out: ReactNode[] = [];
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  if (Array.isArray(d.items) && d.items.length) out.push(`Giấy tờ cần bổ sung: ${(d.items as string[]).join('; ')}`);
  if (Array.isArray(d.reasons) && d.reasons.length) out.push(`Lý do: ${(d.reasons as string[]).join('; ')}`);
  if (str('reason')) out.push(`Lý do: ${str('reason')}`);
  if (str('deadline')) out.push(`Hạn bổ sung: ${dateTimeVn(str('deadline'))}`);
  if (typeof d.amountVnd === 'number') {
    out.push(`${vnd(d.amountVnd)} — ${PAYMENT_METHOD_LABEL[str('method') ?? ''] ?? str('method') ?? ''}${str('receiptCode') ? `, biên lai ${str('receiptCode')}` : ''}`);
  }
  const assignee = d.assignee as { fullName?: string } | undefined;
  if (assignee?.fullName) out.push(`Chuyên viên: ${assignee.fullName}`);
  if (str('resultNumber')) out.push(`Số kết quả: ${str('resultNumber')}`);
  if (Array.isArray(d.documents) && d.documents.length && typeof (d.documents[0] as { name?: unknown }).name === 'string') {
    out.push(`Giấy tờ: ${(d.documents as Array<{ name: string }>).map((x) => x.name).join('; ')}`);
  }
  if (str('findings')) out.push(`Kết quả xác minh: ${str('findings')}`);
  if (str('comment')) out.push(`Ý kiến: ${str('comment')}`);
  if (str('note')) out.push(`Ghi chú: ${str('note')}`);
  return out;
}

/** Diễn biến xử lý: every event of the dossier's log, who (name and role) and when, in Vietnamese. */
export function TimelineSection({ dossier }: { dossier: OfficerDossier }) {
  const events = dossier.events ?? [];
  if (!events.length) return <Text size="sm">Chưa có diễn biến nào.</Text>;
  return (
    <Timeline active={events.length - 1} bulletSize={14} lineWidth={2} component="ol" aria-label="Diễn biến xử lý hồ sơ" style={{ listStyle: 'none' }}>
      {events.map((e) => (
        <Timeline.Item
          key={e.seq}
          component="li"
          data-testid="timeline-event"
          data-type={e.type}
          title={
            <Text fw={600} size="sm" component="span">
              {eventLabel(e.type)}
            </Text>
          }
        >
          <Text size="xs" c="dimmed">
            {dateTimeVn(e.at)} · {e.actor?.fullName ? `${e.actor.fullName} (${roleLabel(e.actor.role)})` : roleLabel(e.actor?.role)}
          </Text>
          {details(e).map((line, i) => (
            <Text size="sm" key={i}>
              {line}
            </Text>
          ))}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

import { Badge, Card, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { dateTimeVn, dayVn } from '../../shared/format';
import { Fact, Facts } from '../../shared/Facts';
import type { OfficerDossier } from './api';
import { citizenRequests } from './detail-api';
import { roleLabel } from './labels';

const SUPPLEMENT_STATE = {
  open: { label: 'Đang chờ công dân bổ sung', color: 'orange' },
  answered: { label: 'Công dân đã bổ sung', color: 'teal' },
  closed: { label: 'Đã kết thúc, không bổ sung', color: 'gray' },
} as const;

const VISIT_STATE = {
  scheduled: { label: 'Đã lên lịch', color: 'blue' },
  missed: { label: 'Không thực hiện được', color: 'orange' },
  recorded: { label: 'Đã xác minh', color: 'teal' },
  closed: { label: 'Đã hủy do hồ sơ kết thúc', color: 'gray' },
} as const;

const VISIT_OUTCOME: Record<string, string> = { confirmed: 'Đúng như hồ sơ', discrepancy: 'Có sai khác với hồ sơ', missed: 'Không gặp được' };

const by = (p: { fullName: string | null; role: string | null } | null) => (p ? [p.fullName, p.role ? roleLabel(p.role) : null].filter(Boolean).join(', ') : '—');

/** Yêu cầu đối với công dân: the supplement asked (items, reason, deadline) with the reply, and the on-site visit. */
export function RequestsSection({ dossier }: { dossier: OfficerDossier }) {
  const { supplement: s, visit: v } = citizenRequests(dossier);
  if (!s && !v) return <Text size="sm">Chưa yêu cầu công dân bổ sung hồ sơ hay hẹn xác minh thực địa.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      {s && (
        <Card withBorder padding="md" data-testid="supplement-request">
          <Stack gap="xs">
            <Title order={3} size="h5">
              {s.stage === 'intake' ? 'Yêu cầu bổ sung hồ sơ khi tiếp nhận' : 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết'}
            </Title>
            <Badge variant="light" color={SUPPLEMENT_STATE[s.state].color} radius="sm" style={{ textTransform: 'none', alignSelf: 'flex-start' }}>
              {SUPPLEMENT_STATE[s.state].label}
            </Badge>
            <Text size="sm" fw={600}>
              Giấy tờ cần bổ sung
            </Text>
            <List size="sm" spacing={2}>
              {s.items.map((item, i) => (
                <List.Item key={i}>{item}</List.Item>
              ))}
            </List>
            <Facts>
              <Fact term="Lý do">{s.reason ?? '—'}</Fact>
              <Fact term="Hạn bổ sung">{dateTimeVn(s.deadline)}</Fact>
              <Fact term="Yêu cầu lúc">{dateTimeVn(s.requestedAt)}</Fact>
              <Fact term="Người yêu cầu">{by(s.requestedBy)}</Fact>
              {s.answeredAt && <Fact term="Công dân bổ sung lúc">{dateTimeVn(s.answeredAt)}</Fact>}
              {s.supplied && (
                <Fact term="Giấy tờ đã bổ sung">
                  {(s.supplied.documents as Array<{ name?: string }>).map((d) => d.name).filter(Boolean).join('; ') || '—'}
                </Fact>
              )}
              {s.supplied?.note && <Fact term="Ghi chú của công dân">{s.supplied.note}</Fact>}
            </Facts>
          </Stack>
        </Card>
      )}
      {v && (
        <Card withBorder padding="md" data-testid="site-visit">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Lịch xác minh thực địa
            </Title>
            <Badge variant="light" color={VISIT_STATE[v.state].color} radius="sm" style={{ textTransform: 'none', alignSelf: 'flex-start' }}>
              {VISIT_STATE[v.state].label}
            </Badge>
            <Facts>
              <Fact term="Thời gian">
                {v.from}–{v.to}, {v.date ? dayVn(v.date) : '—'}
              </Fact>
              <Fact term="Địa điểm">{v.place ?? '—'}</Fact>
              {v.purpose && <Fact term="Mục đích">{v.purpose}</Fact>}
              {v.officers.length > 0 && <Fact term="Cán bộ xác minh">{v.officers.join(', ')}</Fact>}
              <Fact term="Người lên lịch">{by(v.scheduledBy)}</Fact>
              {v.outcome && <Fact term="Kết quả">{VISIT_OUTCOME[v.outcome] ?? v.outcome}</Fact>}
              {v.findings && <Fact term="Nội dung xác minh">{v.findings}</Fact>}
              {v.recordedAt && <Fact term="Ghi nhận lúc">{dateTimeVn(v.recordedAt)}</Fact>}
            </Facts>
          </Stack>
        </Card>
      )}
    </SimpleGrid>
  );
}

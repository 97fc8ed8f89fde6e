import { Badge, Card, Group, Table, Text, Title } from '@mantine/core';
import type { ChainLookup } from '../api/types';
import { dateTimeVn } from '../shared/format';
import { STATUS_COLOR } from './LookupPage';

const CHAIN_COLOR: Record<string, string> = { COMPLETED: 'teal', STOPPED: 'red', IN_PROGRESS: 'blue' };

const limitText = (l: { unit: string; value: number } | null) => (l ? `${l.value} ${l.unit === 'working_days' ? 'ngày làm việc' : 'giờ làm việc'}` : '');

/**
 * Hồ sơ liên thông (ND 297/2025): every stage of the chain with its agency, its own dossier code,
 * status and dates, and the whole chain's due date, under the one lookup code.
 */
export function ChainStages({ chain }: { chain: ChainLookup }) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="lien-thong" data-testid="chain-stages">
      <Group justify="space-between" align="flex-start" mb="sm" gap="xs">
        <div>
          <Text size="sm" c="dimmed">
            Hồ sơ liên thông · mã tra cứu {chain.code}
          </Text>
          <Title order={2} size="h4" id="lien-thong">
            {chain.name}
          </Title>
        </div>
        <Badge size="lg" variant="light" color={CHAIN_COLOR[chain.status.code] ?? 'blue'}>
          {chain.status.label}
        </Badge>
      </Group>
      <Text size="sm" mb="sm">
        Thời hạn cả nhóm thủ tục: {limitText(chain.totalLimit)}
        {chain.dueAt ? `, hạn hoàn thành ${dateTimeVn(chain.dueAt)}` : ', tính từ khi thủ tục đầu tiên được tiếp nhận'}.
        {chain.stop ? ` Dừng ở bước ${chain.stop.stage}: ${chain.stop.status.label}.` : ''}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Bước</Table.Th>
              <Table.Th>Thủ tục, cơ quan</Table.Th>
              <Table.Th>Mã hồ sơ</Table.Th>
              <Table.Th>Tình trạng</Table.Th>
              <Table.Th>Tiếp nhận</Table.Th>
              <Table.Th>Hẹn trả</Table.Th>
              <Table.Th>Hoàn thành</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {chain.stages.map((s) => (
              <Table.Tr key={s.stage} aria-current={s.stage === chain.currentStage && chain.status.code === 'IN_PROGRESS' ? 'step' : undefined}>
                <Table.Td>{s.stage}</Table.Td>
                <Table.Td>
                  <Text size="sm">{s.procedure.name}</Text>
                  <Text size="xs" c="dimmed">
                    {s.agency.name} · {limitText(s.limit)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{s.code ?? '—'}</Table.Td>
                <Table.Td>
                  {s.status ? (
                    <Text size="sm" fw={600} c={`${STATUS_COLOR[s.status.code] ?? 'blue'}.9`}>
                      {s.status.label}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Chưa bắt đầu
                    </Text>
                  )}
                  {s.resultNumber ? (
                    <Text size="xs" c="dimmed">
                      Kết quả số {s.resultNumber}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{s.receivedAt ? dateTimeVn(s.receivedAt) : '—'}</Table.Td>
                <Table.Td>{s.appointmentAt ? dateTimeVn(s.appointmentAt) : '—'}</Table.Td>
                <Table.Td>{s.completedAt ? dateTimeVn(s.completedAt) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

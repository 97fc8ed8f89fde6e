import { Badge, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { shortVn } from './time-left';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { useProcessControl, type Handoff } from './detail-api';
import { PrintButton } from './PrintButton';
import { OUTCOME, stepLabel } from './labels';

function Outcome({ h, asOf }: { h: Handoff; asOf: number }) {
  const known = h.outcome ? OUTCOME[h.outcome] : undefined;
  if (known) {
    return (
      <Badge variant="light" color={known.color} radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
        {known.label}
      </Badge>
    );
  }
  if (h.doneAt) return <Text size="sm">Đã xong</Text>;
  const late = h.dueAt && Date.parse(h.dueAt) < asOf;
  return (
    <Badge variant="light" color={late ? 'red' : 'gray'} radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
      {late ? 'Đang xử lý, đã quá hạn bước' : 'Đang xử lý'}
    </Badge>
  );
}

const who = (p: Handoff['giver']) => (p.name && p.unit && p.name !== p.unit ? `${p.name} (${p.unit})` : (p.name ?? p.unit ?? '—'));

/** Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06): each hand-off, its due time and outcome; printable. */
export function ProcessControlSection({ code }: { code: string }) {
  const sheet = useProcessControl(code);
  return (
    <Stack gap="sm">
      <Group justify="flex-end">
        <PrintButton code={code} form="process-control" label="In phiếu" />
      </Group>
      {sheet.isPending && <Loader size="sm" role="status" aria-label="Đang tải phiếu kiểm soát" />}
      {sheet.error && <ProblemAlert error={sheet.error} />}
      {sheet.data && !sheet.data.handoffs.length && <Text size="sm">Hồ sơ chưa được chuyển qua bước nào.</Text>}
      {sheet.data && sheet.data.handoffs.length > 0 && (
        <Table.ScrollContainer minWidth={960}>
          <Table captionSide="top" striped withTableBorder verticalSpacing="xs" data-testid="process-control">
            <Table.Caption>Phiếu kiểm soát quá trình giải quyết hồ sơ {code}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">TT</Table.Th>
                <Table.Th scope="col">Bước</Table.Th>
                <Table.Th scope="col">Bên giao</Table.Th>
                <Table.Th scope="col">Bên nhận</Table.Th>
                <Table.Th scope="col">Nhận lúc</Table.Th>
                <Table.Th scope="col">Hạn xử lý</Table.Th>
                <Table.Th scope="col">Hoàn thành</Table.Th>
                <Table.Th scope="col">Kết quả</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sheet.data.handoffs.map((h, i) => (
                <Table.Tr key={i} data-testid="handoff" data-step={h.step} data-outcome={h.outcome ?? ''}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>{stepLabel(h.step)}</Table.Td>
                  <Table.Td>{who(h.giver)}</Table.Td>
                  <Table.Td>{who(h.receiver)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{shortVn(h.receivedAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{shortVn(h.dueAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{shortVn(h.doneAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Outcome h={h} asOf={sheet.dataUpdatedAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

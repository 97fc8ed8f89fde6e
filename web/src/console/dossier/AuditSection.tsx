import { Badge, Loader, Table, Text } from '@mantine/core';
import { shortVn } from './time-left';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { useAudit, type AuditEntry } from './detail-api';
import { auditActionLabel, roleLabel } from './labels';

/** An HTTP entry's answer in words: done, or refused (the status stays for the record). */
function Outcome({ e }: { e: AuditEntry }) {
  const status = typeof e.after?.status === 'number' ? e.after.status : null;
  if (status === null) return <Text size="sm">Ghi nhận</Text>;
  const ok = status < 400;
  return (
    <Badge variant="light" color={ok ? 'teal' : 'red'} radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
      {ok ? 'Thành công' : 'Bị từ chối'} ({status})
    </Badge>
  );
}

/** Nhật ký thao tác: who (name, role), what, why and when, for the agency's supervisors, leaders and admins. */
export function AuditSection({ code }: { code: string }) {
  const q = useAudit(code, true);
  if (q.isPending) return <Loader size="sm" role="status" aria-label="Đang tải nhật ký" />;
  if (q.error) return <ProblemAlert error={q.error} />;
  if (!q.data.entries.length) return <Text size="sm">Chưa có thao tác nào được ghi nhận.</Text>;
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table captionSide="top" striped withTableBorder verticalSpacing="xs" data-testid="audit">
        <Table.Caption>Nhật ký thao tác trên hồ sơ {code}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Thời điểm</Table.Th>
            <Table.Th scope="col">Người thực hiện</Table.Th>
            <Table.Th scope="col">Vai trò</Table.Th>
            <Table.Th scope="col">Thao tác</Table.Th>
            <Table.Th scope="col">Lý do</Table.Th>
            <Table.Th scope="col">Kết quả</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.entries.map((e) => (
            <Table.Tr key={e.id} data-testid="audit-entry">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{shortVn(e.at)}</Table.Td>
              <Table.Td>{e.actor?.name ?? 'Hệ thống'}</Table.Td>
              <Table.Td>{roleLabel(e.actor?.role ?? (e.actor?.kind === 'citizen' ? 'applicant' : null))}</Table.Td>
              <Table.Td>{auditActionLabel(e.action)}</Table.Td>
              <Table.Td>{e.reason ?? '—'}</Table.Td>
              <Table.Td>
                <Outcome e={e} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { Alert, Badge, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { dateTimeVn } from '../../shared/format';
import { agencyNames, LEG_KIND, LEG_STATUS, stepsByKey, useInternalProcedure } from '../interagency/api';
import type { OfficerDossier } from './api';

/**
 * Liên thông: the dossier's inter-agency legs and consultations (issue 17), as the lead agency
 * follows them: the agency, what it is, its status, its due time (late or not), the step it is
 * at in that agency, and what it gave back (an opinion, a result number, reasons).
 */
export function LegsSection({ dossier }: { dossier: OfficerDossier }) {
  const procedure = useInternalProcedure(dossier.procedure?.code);
  const names = agencyNames(procedure.data);
  const steps = stepsByKey(procedure.data);
  const legs = dossier.legs ?? [];
  return (
    <Stack gap="sm" data-testid="legs-section">
      {dossier.faultAgencyEid && (
        <Alert color="red" variant="light" title="Hồ sơ trễ hạn do cơ quan phối hợp">
          Cơ quan chậm giải quyết: {names.get(dossier.faultAgencyEid) ?? dossier.faultAgencyEid}.
        </Alert>
      )}
      {!legs.length ? (
        <Text size="sm" c="dimmed">
          Hồ sơ chưa có phần việc liên thông hay yêu cầu xin ý kiến cơ quan khác.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="xs" data-testid="legs">
            <VisuallyHidden component="caption">Phần việc liên thông và xin ý kiến của hồ sơ</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Cơ quan</Table.Th>
                <Table.Th scope="col">Loại</Table.Th>
                <Table.Th scope="col">Trạng thái</Table.Th>
                <Table.Th scope="col">Hạn</Table.Th>
                <Table.Th scope="col">Đang ở bước</Table.Th>
                <Table.Th scope="col">Ý kiến, kết quả</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {legs.map((l) => {
                const status = LEG_STATUS[l.status] ?? { label: l.status, color: 'gray' };
                return (
                  <Table.Tr key={l.workflowId} data-leg={l.workflowId} data-kind={l.kind}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {names.get(l.agencyEid) ?? l.agencyEid}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Bước của hồ sơ: {steps.get(l.stepKey)?.name ?? l.stepKey}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{LEG_KIND[l.kind] ?? l.kind}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={status.color} style={{ textTransform: 'none' }} data-testid="leg-status">
                        {status.label}
                      </Badge>
                      {l.finishedAt && (
                        <Text size="xs" c="dimmed">
                          {dateTimeVn(l.finishedAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{l.dueAt ? dateTimeVn(l.dueAt) : '—'}</Text>
                      {l.late && (
                        <Badge variant="filled" color="red.9" size="sm" style={{ textTransform: 'none' }} data-testid="leg-late">
                          Quá hạn
                        </Badge>
                      )}
                      {l.chasedAt && (
                        <Text size="xs" c="dimmed">
                          Đã đôn đốc lúc {dateTimeVn(l.chasedAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {l.step ? (
                        <>
                          <Text size="sm">{l.step.name}</Text>
                          <Text size="xs" c="dimmed">
                            {l.step.unit}
                          </Text>
                        </>
                      ) : (
                        <Text size="sm">—</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {l.opinion && (
                        <Text size="sm" data-testid="leg-opinion">
                          {l.agrees === true ? 'Đồng ý: ' : l.agrees === false ? 'Không đồng ý: ' : ''}
                          {l.opinion}
                        </Text>
                      )}
                      {l.resultNumber && <Text size="sm">Số kết quả: {l.resultNumber}</Text>}
                      {l.reasons?.length ? <Text size="sm">Lý do: {l.reasons.join('; ')}</Text> : null}
                      {!l.opinion && !l.resultNumber && !l.reasons?.length && <Text size="sm">—</Text>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

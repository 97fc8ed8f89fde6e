import { Anchor, Badge, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { PATHS } from '../paths';
import { DUE_COLOR, dueWords } from '../worklist/due';
import classes from '../worklist/WorklistPage.module.css';
import { LEG_KIND, LEG_STATUS, useLegs, type LegItem } from './api';

/**
 * Hồ sơ liên thông: what other agencies sent to the officer's agencies (GET /legs): their parts
 * of an inter-agency dossier (liên thông) and the opinions they are asked for (xin ý kiến), the
 * most urgent first. Each row opens the leg's page with its actions.
 */
export function LegWorklistPage() {
  usePageTitle('Hồ sơ liên thông', 'Phần mềm một cửa');
  const legs = useLegs();
  const navigate = useNavigate();
  const rows = legs.data?.legs ?? [];
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Hồ sơ liên thông
      </Title>
      <Text size="sm">Phần việc giải quyết liên thông và yêu cầu xin ý kiến do cơ quan khác gửi đến cơ quan của Ông/Bà, việc gấp nhất ở trên.</Text>
      {legs.error && <ProblemAlert error={legs.error} testId="legs-error" />}
      {legs.isPending && <Loader role="status" aria-label="Đang tải hồ sơ liên thông" />}
      {legs.data && (
        <Text size="sm" data-testid="legs-total">
          {rows.length ? `${rows.length} phần việc đang chờ xử lý.` : 'Không có phần việc liên thông hay yêu cầu xin ý kiến nào đang chờ.'}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={1000}>
          <Table highlightOnHover verticalSpacing="xs" data-testid="leg-worklist">
            <VisuallyHidden component="caption">Hồ sơ liên thông đang chờ xử lý, việc gấp nhất trước</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Hồ sơ</Table.Th>
                <Table.Th scope="col">Loại</Table.Th>
                <Table.Th scope="col">Cơ quan chủ trì</Table.Th>
                <Table.Th scope="col">Đang ở bước</Table.Th>
                <Table.Th scope="col">Hạn</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((l) => (
                <LegRow key={l.id} leg={l} onOpen={() => navigate(PATHS.leg(l.id))} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function LegRow({ leg, onOpen }: { leg: LegItem; onOpen(): void }) {
  const due = dueWords(leg.dueAt);
  const status = LEG_STATUS[leg.status] ?? { label: leg.status, color: 'gray' };
  return (
    <Table.Tr style={{ cursor: 'pointer' }} onClick={(e) => !(e.target as HTMLElement).closest('a') && onOpen()} data-leg-id={leg.id}>
      <Table.Td>
        <Anchor component={Link} to={PATHS.leg(leg.id)} fw={600}>
          {leg.dossier.code}
        </Anchor>
        <Text size="xs" lineClamp={2}>
          {leg.procedure.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{LEG_KIND[leg.kind] ?? leg.kind}</Text>
        <Text size="xs" c="dimmed">
          {leg.agency.name}
        </Text>
        {leg.status !== 'open' && (
          <Badge variant="light" color={status.color} size="sm" style={{ textTransform: 'none' }}>
            {status.label}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{leg.dossier.leadAgency.name}</Text>
      </Table.Td>
      <Table.Td>
        {leg.kind === 'consultation' ? (
          <Text size="sm" lineClamp={2}>
            Trả lời: {leg.question ?? '—'}
          </Text>
        ) : leg.step ? (
          <>
            <Text size="sm" lineClamp={2}>
              {leg.step.name}
            </Text>
            <Text size="xs" c="dimmed">
              {leg.step.unit}
              {leg.assignee?.fullName ? ` · ${leg.assignee.fullName}` : ''}
            </Text>
          </>
        ) : (
          <Text size="sm">—</Text>
        )}
      </Table.Td>
      <Table.Td style={{ minWidth: 190 }}>
        <Badge variant="light" color={DUE_COLOR[due.tone]} className={classes.status} data-testid="leg-due">
          {due.text}
        </Badge>
        {leg.late && (
          <Badge ml={4} variant="filled" color="red.9" size="sm" style={{ textTransform: 'none' }}>
            Quá hạn
          </Badge>
        )}
        <Text size="xs" c="dimmed">
          {leg.dueAt ? dateTimeVn(leg.dueAt) : ''}
          {leg.chasedAt ? ` · đã được đôn đốc` : ''}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

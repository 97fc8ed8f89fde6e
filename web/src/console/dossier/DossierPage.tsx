import { Anchor, Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { ActionBar } from '../actions/ActionBar';
import { PATHS } from '../paths';
import { useDossier } from './api';

/**
 * Hồ sơ: the dossier's page for every staff role. The header (code, procedure, applicant,
 * status) and the actions the officer may take; the sections below it (holder, time left,
 * timeline, process-control sheet, documents, payments, deadline explanation, audit log) are
 * this folder's.
 */
export function DossierPage() {
  const { code = '' } = useParams();
  const dossier = useDossier(code);
  usePageTitle(`Hồ sơ ${code}`, 'Phần mềm một cửa');

  return (
    <Stack gap="md">
      <Anchor component={Link} to={PATHS.worklist} size="sm">
        ← Danh sách hồ sơ
      </Anchor>
      <Title order={1} size="h2">
        Hồ sơ {code}
      </Title>
      {dossier.isPending && <Loader aria-label="Đang tải hồ sơ" />}
      {dossier.error && <ProblemAlert error={dossier.error} />}
      {dossier.data && (
        <Card withBorder>
          <Stack gap="sm">
            <Group justify="space-between" align="flex-start">
              <div>
                <Text fw={600}>{dossier.data.procedure?.name}</Text>
                <Text size="sm">{dossier.data.applicant?.fullName}</Text>
              </div>
              <Badge size="lg" variant="light" data-testid="dossier-status">
                {dossier.data.status.label}
              </Badge>
            </Group>
            <ActionBar dossier={dossier.data} />
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

import { Anchor, Badge, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ApplicantDossier } from '../api/types';
import { Fact, Facts } from '../shared/Facts';
import { ProblemAlert } from '../shared/ProblemAlert';
import { dateTimeVn } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { useMyDossiers } from './citizen';
import { STATUS_COLOR } from './LookupPage';
import { RequireSignIn } from './RequireSignIn';

/** Hồ sơ của tôi: every dossier the signed-in citizen filed or had filed for them, newest first. */
export function MyDossiersPage() {
  usePageTitle('Hồ sơ của tôi');
  return (
    <RequireSignIn title="Hồ sơ của tôi" why="Danh sách hồ sơ của Ông/Bà, tình trạng, yêu cầu bổ sung, thanh toán và kết quả được xem sau khi đăng nhập.">
      {() => <MyDossiers />}
    </RequireSignIn>
  );
}

function MyDossiers() {
  const list = useMyDossiers(true);
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Hồ sơ của tôi</Title>
          <Text c="dimmed" mt={4}>
            Các hồ sơ đứng tên Ông/Bà, mới nhất trước.
          </Text>
        </div>
        <Button component={Link} to="/" variant="default">
          Nộp hồ sơ mới
        </Button>
      </Group>
      {list.isPending ? (
        <Group justify="center" py="xl">
          <Loader role="status" aria-label="Đang tải danh sách hồ sơ" />
        </Group>
      ) : list.isError ? (
        <ProblemAlert error={list.error} />
      ) : list.data.length === 0 ? (
        <Card withBorder padding="lg">
          <Text>Ông/Bà chưa có hồ sơ nào. Chọn một thủ tục trong danh mục để nộp hồ sơ trực tuyến.</Text>
        </Card>
      ) : (
        <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Danh sách hồ sơ" data-testid="my-dossiers">
          {list.data.map((d) => (
            <DossierCard key={d.code} d={d} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function DossierCard({ d }: { d: ApplicantDossier }) {
  const attention = d.status.code === 'SUPPLEMENT_AT_INTAKE' || d.status.code === 'SUPPLEMENT_REQUESTED';
  return (
    <li>
      <Card withBorder padding="lg" style={attention ? { borderColor: 'var(--mantine-color-orange-6)', borderWidth: 2 } : undefined}>
        <Group justify="space-between" align="flex-start" gap="xs" mb="xs">
          <div style={{ minWidth: 0 }}>
            <Anchor component={Link} to={`/ho-so-cua-toi/${encodeURIComponent(d.code)}`} fw={700} fz="lg" style={{ overflowWrap: 'anywhere' }}>
              {d.code}
            </Anchor>
            <Text>{d.procedure.name}</Text>
          </div>
          <Badge variant="light" color={STATUS_COLOR[d.status.code] ?? 'blue'} style={{ whiteSpace: 'normal', height: 'auto' }} py={4}>
            {d.status.label}
          </Badge>
        </Group>
        <Facts>
          <Fact term="Cơ quan">{d.agency.name}</Fact>
          <Fact term="Ngày nộp">{dateTimeVn(d.submittedAt)}</Fact>
          <Fact term="Ngày hẹn trả">{d.appointmentAt ? `${dateTimeVn(d.appointmentAt)}${d.reappointed ? ' (đã hẹn lại)' : ''}` : 'Sẽ có khi hồ sơ được tiếp nhận'}</Fact>
        </Facts>
        {attention ? (
          <Text mt="xs" fw={600} c="var(--mantine-color-orange-light-color)">
            Cần bổ sung hồ sơ: mở hồ sơ để xem yêu cầu và gửi bổ sung.
          </Text>
        ) : null}
      </Card>
    </li>
  );
}

import { Anchor, Badge, Button, Card, Grid, Group, List, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { answer, api } from '../api/client';
import type { Preview, Procedure } from '../api/types';
import { Fact, Facts } from '../shared/Facts';
import { ProblemAlert } from '../shared/ProblemAlert';
import { CHANNEL_LABEL, FEE_TIMING_LABEL, ONLINE_LEVEL_LABEL, VN_TZ, dateTimeVn, dayVn, timeLimitText, vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { useProcedure } from './queries';

/** Thông tin thủ tục: documents, time limit, fees, agencies, and the appointment preview. */
export function ProcedurePage() {
  const { code = '' } = useParams();
  const procedure = useProcedure(code);
  usePageTitle(procedure.data?.name ?? 'Thủ tục hành chính');

  if (procedure.isPending)
    return (
      <Group justify="center" py="xl">
        <Loader role="status" aria-label="Đang tải thông tin thủ tục" />
      </Group>
    );
  if (procedure.isError)
    return (
      <Stack>
        <Title order={1}>Thủ tục hành chính</Title>
        <ProblemAlert error={procedure.error} />
        <Anchor component={Link} to="/">
          Quay lại danh mục thủ tục
        </Anchor>
      </Stack>
    );
  const p = procedure.data;
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/" size="sm">
        ← Danh mục thủ tục
      </Anchor>
      <div>
        <Group gap="xs" mb={6}>
          <Badge variant="light" color={p.onlineLevel === 'full' ? 'teal' : 'gray'}>
            {ONLINE_LEVEL_LABEL[p.onlineLevel]}
          </Badge>
          {p.nationalCode ? <Badge variant="outline" color="gray">Mã thủ tục {p.nationalCode}</Badge> : null}
        </Group>
        <Title order={1}>{p.name}</Title>
        <Text c="dimmed" mt={4}>
          Lĩnh vực: {p.field}
        </Text>
        {p.agencies.length ? (
          <Button component={Link} to={`/thu-tuc/${encodeURIComponent(p.code)}/nop-ho-so`} mt="md" size="md">
            Nộp hồ sơ trực tuyến
          </Button>
        ) : null}
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder padding="lg">
              <Title order={2} size="h3" mb="sm">
                Thành phần hồ sơ
              </Title>
              <List spacing="xs" type="ordered">
                {p.documents.map((d) => (
                  <List.Item key={d.name}>
                    {d.name}
                    <Text span size="sm" c="dimmed">
                      {' '}
                      ({d.copies} bản{d.required ? '' : ', nếu có'})
                    </Text>
                  </List.Item>
                ))}
              </List>
            </Card>
            <Card withBorder padding="lg">
              <Title order={2} size="h3" mb="sm">
                Phí, lệ phí
              </Title>
              {p.fees.length === 0 ? (
                <Text>Không thu phí, lệ phí.</Text>
              ) : (
                <Table.ScrollContainer minWidth={360}>
                  <Table striped>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Cách nộp</Table.Th>
                        <Table.Th scope="col">Khoản thu</Table.Th>
                        <Table.Th scope="col" ta="right">
                          Số tiền
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {p.fees.map((f) => (
                        <Table.Tr key={`${f.channel}-${f.name}`}>
                          <Table.Td>{CHANNEL_LABEL[f.channel] ?? f.channel}</Table.Td>
                          <Table.Td>
                            {f.name}
                            {f.note ? (
                              <Text size="xs" c="dimmed">
                                {f.note}
                              </Text>
                            ) : null}
                          </Table.Td>
                          <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                            {vnd(f.amountVnd)}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              <Text size="sm" c="dimmed" mt="xs">
                {FEE_TIMING_LABEL[p.feeTiming]}
              </Text>
            </Card>
            <Card withBorder padding="lg">
              <Title order={2} size="h3" mb="sm">
                Thông tin khác
              </Title>
              <Facts>
                <Fact term="Thời hạn giải quyết">{timeLimitText(p.timeLimit)}</Fact>
                <Fact term="Cơ quan thực hiện">{p.agencies.map((a) => a.name).join('; ') || '—'}</Fact>
                {p.result ? <Fact term="Kết quả">{p.result}</Fact> : null}
                {p.onSiteVerification ? <Fact term="Xác minh">Có thể xác minh, kiểm tra thực địa</Fact> : null}
                {p.legalBasis ? <Fact term="Căn cứ pháp lý">{p.legalBasis}</Fact> : null}
                {p.notes ? <Fact term="Ghi chú">{p.notes}</Fact> : null}
              </Facts>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <AppointmentPreview procedure={p} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/**
 * "13/02/2026 10:00", as Vietnamese write it (read as Việt Nam time), → ISO with +07:00; null
 * when it is no such moment. A typed field: the browser's own date-time widget speaks its UI
 * language, not necessarily Vietnamese.
 */
function parseVnDateTime(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2})[:h](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, d, mo, y, h, mi] = m.map((x) => x ?? '') as [string, string, string, string, string, string];
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:00+07:00`;
  const parsed = dayjs(iso);
  return parsed.isValid() && parsed.tz(VN_TZ).format('DD/MM/YYYY HH:mm') === `${d.padStart(2, '0')}/${mo.padStart(2, '0')}/${y} ${h.padStart(2, '0')}:${mi}` ? iso : null;
}

/** Xem trước ngày hẹn trả: the appointment a dossier received at a chosen moment would get, explained. */
function AppointmentPreview({ procedure }: { procedure: Procedure }) {
  const [agency, setAgency] = useState<string | null>(procedure.agencies[0]?.eid ?? null);
  const [receivedAt, setReceivedAt] = useState(() => dayjs().tz(VN_TZ).format('DD/MM/YYYY HH:mm'));
  const [invalid, setInvalid] = useState(false);
  const preview = useMutation({
    mutationFn: () =>
      answer<Preview>(
        api.POST('/api/v1/sla/preview', {
          body: { procedureCode: procedure.code, receivedAt: parseVnDateTime(receivedAt)!, ...(agency ? { agencyCode: agency } : {}) },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!parseVnDateTime(receivedAt)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    preview.mutate();
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="xem-truoc">
      <Title order={2} size="h3" id="xem-truoc">
        Xem trước ngày hẹn trả kết quả
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        Ngày hẹn được tính theo lịch làm việc của cơ quan, không tính ngày nghỉ cuối tuần, nghỉ lễ, Tết.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {procedure.agencies.length > 1 ? (
            <Select
              label="Cơ quan tiếp nhận"
              data={procedure.agencies.map((a) => ({ value: a.eid, label: a.name }))}
              value={agency}
              onChange={setAgency}
              allowDeselect={false}
            />
          ) : procedure.agencies[0] ? (
            <Text size="sm">
              Cơ quan tiếp nhận: <strong>{procedure.agencies[0].name}</strong>
            </Text>
          ) : null}
          <TextInput
            label="Thời điểm nộp hồ sơ (giờ Việt Nam)"
            description="Ngày/tháng/năm giờ:phút, ví dụ 13/02/2026 10:00"
            value={receivedAt}
            onChange={(e) => setReceivedAt(e.currentTarget.value)}
            error={invalid ? 'Vui lòng nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, ví dụ 13/02/2026 10:00.' : undefined}
            inputMode="numeric"
            autoComplete="off"
            required
          />
          <Button type="submit" loading={preview.isPending}>
            Xem ngày hẹn trả
          </Button>
        </Stack>
      </form>
      <div aria-live="polite">
        {preview.isError ? (
          <Stack mt="md">
            <ProblemAlert error={preview.error} />
          </Stack>
        ) : null}
        {preview.data ? (
          <Stack gap="xs" mt="lg" data-testid="preview-result">
            <Text size="sm" c="dimmed">
              Ngày hẹn trả kết quả
            </Text>
            <Text fz={22} fw={700} c="blue.9">
              {dateTimeVn(preview.data.appointmentAt)}
            </Text>
            <Text size="sm">Thời hạn giải quyết: {preview.data.timeLimitText}.</Text>
            {preview.data.daysSkipped.length ? (
              <div>
                <Text size="sm" fw={600}>
                  Ngày nghỉ không tính:
                </Text>
                <List size="sm" spacing={2}>
                  {preview.data.daysSkipped.map((d) => (
                    <List.Item key={d.day}>
                      {dayVn(d.day)}
                      {d.name ? `: ${d.name}` : ''}
                    </List.Item>
                  ))}
                </List>
              </div>
            ) : null}
            <Text size="sm" fw={600}>
              Cách tính:
            </Text>
            <List size="sm" spacing={2}>
              {preview.data.explanation.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          </Stack>
        ) : null}
      </div>
    </Card>
  );
}

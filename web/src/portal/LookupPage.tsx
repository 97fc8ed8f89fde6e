import { Anchor, Badge, Button, Card, Grid, Group, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { answer, api } from '../api/client';
import type { DossierStatusView } from '../api/types';
import { Fact, Facts } from '../shared/Facts';
import { ChainStages } from './ChainStages';
import { ProblemAlert } from '../shared/ProblemAlert';
import { CHANNEL_LABEL, FEE_STATUS_LABEL, PAYMENT_METHOD_LABEL, dateTimeVn, dateVn, vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';

const CODE_FORMAT = /^[0-9A-Za-z.]+-\d{6}-\d{4,}$/;

/**
 * Tra cứu hồ sơ without signing in: the code on the receipt and the last 4 digits of the
 * applicant's ID number. An unknown code and a wrong check get the same answer from the API,
 * and this page shows that answer as it is: they read exactly alike.
 */
export function LookupPage() {
  usePageTitle('Tra cứu hồ sơ');
  // From the payment result page's link: the code filled in, the 4 digits still asked for.
  const [params] = useSearchParams();
  const [code, setCode] = useState(() => params.get('ma') ?? '');
  const [check, setCheck] = useState('');
  const [errors, setErrors] = useState<{ code?: string; check?: string }>({});
  const lookup = useMutation({
    mutationFn: (q: { code: string; check: string }) =>
      answer<DossierStatusView>(api.GET('/api/v1/status/{code}', { params: { path: { code: q.code }, query: { check: q.check } } })),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = code.trim();
    const found: typeof errors = {};
    if (!c) found.code = 'Vui lòng nhập mã hồ sơ.';
    else if (!CODE_FORMAT.test(c)) found.code = 'Mã hồ sơ gồm mã cơ quan, ngày nộp và số thứ tự, ví dụ 000.20.20.H29-260310-0001.';
    if (!/^\d{4}$/.test(check)) found.check = 'Vui lòng nhập đủ 4 chữ số cuối của số CCCD/CMND.';
    setErrors(found);
    if (found.code || found.check) return;
    lookup.mutate({ code: c, check });
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Tra cứu hồ sơ</Title>
        <Text c="dimmed" mt={4}>
          Nhập mã hồ sơ ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, cùng 4 số cuối số CCCD/CMND của người nộp hồ sơ.
        </Text>
        <Text mt={4}>
          Không nhớ mã hồ sơ?{' '}
          <Anchor component={Link} to="/tra-cuu/cccd">
            Tra cứu bằng số CCCD
          </Anchor>
        </Text>
      </div>
      <Card withBorder padding="lg" component="section" aria-label="Thông tin tra cứu">
        <form onSubmit={submit} noValidate>
          <Grid align="flex-start">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                label="Mã hồ sơ"
                placeholder="Ví dụ: 000.20.20.H29-260310-0001"
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                error={errors.code}
                autoComplete="off"
                spellCheck={false}
                required
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 3 }}>
              <TextInput
                label="4 số cuối CCCD/CMND"
                placeholder="Ví dụ: 6789"
                value={check}
                onChange={(e) => setCheck(e.currentTarget.value.replace(/\D/g, '').slice(0, 4))}
                error={errors.check}
                inputMode="numeric"
                autoComplete="off"
                maxLength={4}
                required
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 3 }}>
              <Button type="submit" fullWidth mt={{ base: 0, sm: 25 }} loading={lookup.isPending}>
                Tra cứu
              </Button>
            </Grid.Col>
          </Grid>
        </form>
      </Card>
      <div aria-live="polite" data-testid="lookup-result">
        {lookup.isError ? <ProblemAlert error={lookup.error} testId="lookup-error" /> : null}
        {lookup.data ? <DossierStatus d={lookup.data} /> : null}
      </div>
    </Stack>
  );
}

export const STATUS_COLOR: Record<string, string> = {
  COMPLETED: 'teal',
  RESULT_DELIVERED: 'teal',
  APPROVED: 'teal',
  SUPPLEMENT_AT_INTAKE: 'orange',
  SUPPLEMENT_REQUESTED: 'orange',
  RESULT_RETURNED: 'orange',
  REFUSED_AT_INTAKE: 'red',
  DENIED: 'red',
  CLOSED_UNSUPPLEMENTED: 'red',
  CANCELLED: 'gray',
  WITHDRAWN: 'gray',
};

function DossierStatus({ d }: { d: DossierStatusView }) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="ket-qua-tra-cuu">
      <Group justify="space-between" align="flex-start" mb="md" gap="xs">
        <div>
          <Text size="sm" c="dimmed">
            Mã hồ sơ
          </Text>
          <Title order={2} fz={{ base: 19, sm: 24 }} id="ket-qua-tra-cuu" style={{ overflowWrap: 'anywhere' }}>
            {d.code}
          </Title>
        </div>
        <Badge size="lg" variant="light" color={STATUS_COLOR[d.status.code] ?? 'blue'} style={{ whiteSpace: 'normal', height: 'auto' }} py={6}>
          {d.status.label}
        </Badge>
      </Group>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Facts>
            <Fact term="Thủ tục">{d.procedure.name}</Fact>
            <Fact term="Cơ quan giải quyết">{d.agency.name}</Fact>
            <Fact term="Người nộp">{d.applicant.fullName}</Fact>
            <Fact term="Hình thức nộp">{CHANNEL_LABEL[d.channel] ?? d.channel}</Fact>
            <Fact term="Ngày nộp">{dateTimeVn(d.submittedAt)}</Fact>
            <Fact term="Ngày tiếp nhận">{d.receivedAt ? dateTimeVn(d.receivedAt) : 'Chưa tiếp nhận'}</Fact>
            <Fact term="Ngày hẹn trả kết quả">
              {d.appointmentAt ? dateTimeVn(d.appointmentAt) : 'Sẽ có khi hồ sơ được tiếp nhận'}
              {d.reappointment ? (
                <Badge ml="xs" color="orange" variant="light" style={{ verticalAlign: 'text-bottom' }}>
                  Đã hẹn lại
                </Badge>
              ) : null}
            </Fact>
            {d.reappointment ? (
              <Fact term="Đã hẹn lại">
                <span style={{ display: 'block' }}>Ngày hẹn lại: {dateTimeVn(d.reappointment.at)}</span>
                <span style={{ display: 'block' }}>Hẹn ban đầu: {dateTimeVn(d.reappointment.originalAppointmentAt)}</span>
                <span style={{ display: 'block' }}>Hẹn mới: {dateTimeVn(d.reappointment.appointmentAt)}</span>
              </Fact>
            ) : null}
            {d.fee ? (
              <Fact term="Phí, lệ phí">
                {vnd(d.fee.amountVnd)} ({FEE_STATUS_LABEL[d.fee.status] ?? d.fee.status})
              </Fact>
            ) : null}
            {d.receipts?.length ? (
              <Fact term="Biên lai điện tử">
                {d.receipts.map((r) => (
                  <span key={`${r.series}-${r.number}`} style={{ display: 'block' }} data-testid="receipt">
                    Ký hiệu {r.series}, số {String(r.number).padStart(7, '0')}: {vnd(r.amountVnd)}, {PAYMENT_METHOD_LABEL[r.method] ?? r.method}, lúc{' '}
                    {dateTimeVn(r.paidAt)}
                  </span>
                ))}
              </Fact>
            ) : null}
            {d.pending?.kind === 'supplement' ? (
              <Fact term="Cần bổ sung">
                {d.pending.itemCount} giấy tờ{d.pending.deadline ? `, hạn ${dateVn(d.pending.deadline)}` : ''}. Đăng nhập để xem chi tiết.
              </Fact>
            ) : null}
            {d.pending?.kind === 'site_visit' ? (
              <Fact term="Xác minh thực địa">
                Ngày {d.pending.visit.date.split('-').reverse().join('/')}, từ {d.pending.visit.from} đến {d.pending.visit.to}
              </Fact>
            ) : null}
            {d.shipment ? <Fact term="Mã bưu gửi">{d.shipment.trackingNumber}</Fact> : null}
          </Facts>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Title order={3} size="h4" mb="sm">
            Quá trình xử lý
          </Title>
          <Timeline active={d.history.length - 1} bulletSize={14} lineWidth={2}>
            {d.history.map((h, i) => (
              <Timeline.Item key={`${h.at}-${i}`} title={h.status.label}>
                <Text size="sm" c="dimmed">
                  {dateTimeVn(h.at)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Grid.Col>
        {d.chain ? (
          <Grid.Col span={12}>
            <ChainStages chain={d.chain} />
          </Grid.Col>
        ) : null}
      </Grid>
    </Card>
  );
}

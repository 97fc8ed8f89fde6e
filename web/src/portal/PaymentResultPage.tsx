import { Alert, Anchor, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { answer, api } from '../api/client';
import type { paths } from '../api/schema';
import { Fact, Facts } from '../shared/Facts';
import { ProblemAlert } from '../shared/ProblemAlert';
import { dateTimeVn, vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';

type Outcome = paths['/api/v1/payments/{paymentId}']['get']['responses'][200]['content']['application/json'];
type Started = paths['/api/v1/payments/{paymentId}/retry']['post']['responses'][201]['content']['application/json'];

/** How long the page waits for the gateway's signed callback, asking every POLL_MS. */
const WAIT_MS = 20_000;
const POLL_MS = 1_500;

/**
 * Kết quả thanh toán: where the payment gateway sends the citizen back
 * (`/thanh-toan/ket-qua?payment=<id>`). Whatever else the gateway appends to the address
 * (status, amount, signature…) is never read: the page asks the API what the gateway's signed
 * callback recorded, and waits a little for it when it has not arrived yet.
 */
export function PaymentResultPage() {
  usePageTitle('Kết quả thanh toán');
  const [params] = useSearchParams();
  const paymentId = params.get('payment') ?? '';
  const [waitStarted, setWaitStarted] = useState(() => Date.now());
  const [waitedOut, setWaitedOut] = useState(false);

  const outcome = useQuery({
    queryKey: ['payment-outcome', paymentId],
    enabled: paymentId !== '',
    staleTime: 0,
    queryFn: () => answer<Outcome>(api.GET('/api/v1/payments/{paymentId}', { params: { path: { paymentId } } })),
    refetchInterval: (q) => (q.state.data?.status === 'pending' && Date.now() - waitStarted < WAIT_MS ? POLL_MS : false),
  });
  const pending = outcome.data?.status === 'pending';
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setWaitedOut(true), Math.max(0, WAIT_MS - (Date.now() - waitStarted)));
    return () => clearTimeout(t);
  }, [pending, waitStarted]);

  const retry = useMutation({
    mutationFn: () => answer<Started>(api.POST('/api/v1/payments/{paymentId}/retry', { params: { path: { paymentId } }, body: {} })),
    onSuccess: (started) => window.location.assign(started.paymentUrl),
  });
  const checkAgain = () => {
    setWaitedOut(false);
    setWaitStarted(Date.now());
    void outcome.refetch();
  };

  const o = outcome.data;
  const waiting = paymentId !== '' && (outcome.isPending || (pending && !waitedOut));
  return (
    <Stack gap="lg" maw={720}>
      <Title order={1}>Kết quả thanh toán</Title>
      <div aria-live="polite" data-testid="payment-result">
        {paymentId === '' ? (
          <Alert color="red" variant="light" title="Không tìm thấy giao dịch" role="alert">
            Đường dẫn không có mã giao dịch thanh toán. Vui lòng tra cứu hồ sơ bằng mã hồ sơ.
          </Alert>
        ) : outcome.isError ? (
          <ProblemAlert error={outcome.error} />
        ) : waiting ? (
          <Card withBorder padding="lg">
            <Group gap="md" wrap="nowrap" align="flex-start">
              <Loader size="sm" mt={4} aria-hidden="true" />
              <div>
                <Title order={2} size="h3">
                  Đang chờ xác nhận từ cổng thanh toán
                </Title>
                <Text mt={4}>Trang sẽ tự cập nhật khi cổng thanh toán báo kết quả giao dịch. Vui lòng không đóng trang.</Text>
              </div>
            </Group>
          </Card>
        ) : o?.status === 'paid' ? (
          <Alert color="teal" variant="light" title={`Đã thanh toán ${vnd(o.amountVnd)}`} data-testid="payment-paid">
            Cổng thanh toán đã xác nhận giao dịch. Phí, lệ phí của hồ sơ đã được ghi nhận.
          </Alert>
        ) : o && pending ? (
          <Alert color="orange" variant="light" title="Chưa nhận được xác nhận thanh toán">
            Cổng thanh toán chưa báo kết quả giao dịch. Hồ sơ được coi là chưa thanh toán cho đến khi cổng thanh toán xác nhận; nếu Ông/Bà đã
            thanh toán, vui lòng kiểm tra lại sau ít phút.
          </Alert>
        ) : o ? (
          <Alert color="red" variant="light" title="Chưa thanh toán — Thanh toán không thành công" data-testid="payment-unpaid">
            {o.status === 'expired' ? 'Giao dịch đã hết hạn thanh toán.' : 'Giao dịch đã bị hủy hoặc không thành công.'} Phí, lệ phí của hồ sơ chưa được nộp.
          </Alert>
        ) : null}
      </div>
      {paymentId === '' || outcome.isError ? (
        <Anchor component={Link} to="/tra-cuu">
          Tra cứu hồ sơ bằng mã hồ sơ
        </Anchor>
      ) : null}

      {o ? (
        <Card withBorder padding="lg" component="section" aria-labelledby="giao-dich">
          <Title order={2} size="h4" id="giao-dich" mb="sm">
            Thông tin giao dịch
          </Title>
          <Facts>
            <Fact term="Mã hồ sơ">
              <span style={{ overflowWrap: 'anywhere' }}>{o.dossierCode}</span>
            </Fact>
            <Fact term="Số tiền">{vnd(o.amountVnd)}</Fact>
            <Fact term="Trạng thái">{o.status === 'paid' ? 'Đã thanh toán' : o.status === 'pending' ? 'Chờ xác nhận' : 'Chưa thanh toán'}</Fact>
            {o.paidAt ? <Fact term="Thời điểm thanh toán">{dateTimeVn(o.paidAt)}</Fact> : null}
            {o.receiptCode ? <Fact term="Số biên lai điện tử">{o.receiptCode}</Fact> : null}
          </Facts>
          {retry.isError ? (
            <div style={{ marginTop: 16 }}>
              <ProblemAlert error={retry.error} />
            </div>
          ) : null}
          <Group mt="lg" gap="sm">
            {o.status !== 'paid' && !waiting && o.canRetry ? (
              <Button onClick={() => retry.mutate()} loading={retry.isPending}>
                Thanh toán lại
              </Button>
            ) : null}
            {pending && waitedOut ? (
              <Button variant="default" onClick={checkAgain}>
                Kiểm tra lại
              </Button>
            ) : null}
            <Anchor component={Link} to={`/tra-cuu?ma=${encodeURIComponent(o.dossierCode)}`}>
              Xem hồ sơ <span style={{ whiteSpace: 'nowrap' }}>{o.dossierCode}</span>
            </Anchor>
            <Anchor component={Link} to={`/ho-so-cua-toi/${encodeURIComponent(o.dossierCode)}`}>
              Mở trong Hồ sơ của tôi
            </Anchor>
          </Group>
        </Card>
      ) : null}
    </Stack>
  );
}

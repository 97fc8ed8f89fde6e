import { Badge, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { FEE_STATUS_LABEL, FEE_TIMING_LABEL, PAYMENT_METHOD_LABEL, vnd } from '../../shared/format';
import { Fact, Facts } from '../../shared/Facts';
import { shortVn } from './time-left';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePayments } from './detail-api';
import { PAYMENT_STATUS } from './labels';
import { PrintButton } from './PrintButton';

/** Phí, lệ phí: what is due, each payment (method, amount, e-receipt) and its printable e-receipt. */
export function PaymentsSection({ code }: { code: string }) {
  const q = usePayments(code);
  if (q.isPending) return <Loader size="sm" role="status" aria-label="Đang tải phí, lệ phí" />;
  if (q.error) return <ProblemAlert error={q.error} />;
  const p = q.data;
  return (
    <Stack gap="sm">
      <Facts>
        <Fact term="Phí, lệ phí phải nộp">
          <span data-testid="fee-due">{p.feeDueVnd === null ? 'Chưa xác định' : p.feeDueVnd === 0 ? 'Không thu' : vnd(p.feeDueVnd)}</span>
        </Fact>
        <Fact term="Tình trạng">
          {p.feeStatus === 'paid' ? (
            <Badge variant="light" color="teal" radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
              Đã nộp
            </Badge>
          ) : p.feeStatus === 'unpaid' ? (
            <Badge variant="light" color="orange" radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
              Chưa nộp
            </Badge>
          ) : (
            (FEE_STATUS_LABEL[p.feeStatus ?? ''] ?? 'Không thu phí, lệ phí')
          )}
        </Fact>
        <Fact term="Thời điểm nộp">{FEE_TIMING_LABEL[p.feeTiming ?? ''] ?? '—'}</Fact>
      </Facts>
      {!p.payments.length ? (
        <Text size="sm">Chưa có khoản thanh toán nào.</Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table captionSide="top" striped withTableBorder verticalSpacing="xs" data-testid="payments">
            <Table.Caption>Các lần thanh toán</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Hình thức</Table.Th>
                <Table.Th scope="col" style={{ textAlign: 'right' }}>
                  Số tiền
                </Table.Th>
                <Table.Th scope="col">Tình trạng</Table.Th>
                <Table.Th scope="col">Thời điểm</Table.Th>
                <Table.Th scope="col">Biên lai điện tử</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.payments.map((x) => (
                <Table.Tr key={x.paymentId} data-testid="payment">
                  <Table.Td>{PAYMENT_METHOD_LABEL[x.method] ?? x.method}</Table.Td>
                  <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }} data-testid="payment-amount">
                    {vnd(x.amountVnd)}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={PAYMENT_STATUS[x.status]?.color ?? 'gray'} radius="sm" style={{ textTransform: 'none', minWidth: 'max-content' }}>
                      {PAYMENT_STATUS[x.status]?.label ?? x.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{shortVn(x.paidAt)}</Table.Td>
                  <Table.Td>
                    {x.receiptCode ? (
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm" fw={500}>
                          {x.receiptCode}
                        </Text>
                        <PrintButton code={code} form="e-receipt" label="In biên lai" />
                      </Group>
                    ) : (
                      '—'
                    )}
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

import { Alert, Button, Group, Loader, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { answer, api } from '../../api/client';
import { dateTimeVn, vnd } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { Facts, Fact } from '../../shared/Facts';
import { dossierKey } from '../dossier/api';
import { fieldErrorsOf, PrintFormButton } from './intake-common';

interface PaymentView {
  paymentId: string;
  amountVnd: number;
  method: string;
  status: string;
  paidAt: string | null;
  receiptCode: string | null;
}
interface Fees {
  feeDueVnd: number | null;
  feeStatus: 'none' | 'unpaid' | 'paid' | null;
  feeTiming: string | null;
  payments: PaymentView[];
}

export const paymentsKey = (code: string) => ['payments', code] as const;

export function usePayments(code: string) {
  return useQuery({
    queryKey: paymentsKey(code),
    queryFn: () => answer<Fees>(api.GET('/api/v1/dossiers/{code}/payments', { params: { path: { code } } })),
    staleTime: 0,
  });
}

/**
 * Thu phí, lệ phí tại quầy: the fee due (from the dossier), cash or a transfer with its
 * reference; the API issues the e-receipt at once: its number is shown and the e-receipt is
 * printed. The amount is the dossier's fee, never typed (the API refuses another amount).
 */
export function CashPayment({ code, autoFocus = false }: { code: string; autoFocus?: boolean }) {
  const fees = usePayments(code);
  const queryClient = useQueryClient();
  const [method, setMethod] = useState<'cash' | 'transfer'>('cash');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pay = useMutation({
    mutationFn: (body: { method: 'cash' | 'transfer'; amountVnd: number; reference?: string }) =>
      answer<PaymentView>(api.POST('/api/v1/dossiers/{code}/payments', { params: { path: { code } }, body })),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: paymentsKey(code) }),
        queryClient.invalidateQueries({ queryKey: dossierKey(code) }),
        queryClient.invalidateQueries({ queryKey: ['worklist'] }),
      ]),
  });
  const server = fieldErrorsOf(pay.error);

  if (fees.isPending) return <Loader size="sm" role="status" aria-label="Đang tải phí, lệ phí" />;
  if (fees.error) return <ProblemAlert error={fees.error} />;
  const f = fees.data;
  const paid = pay.data ?? f.payments.find((p) => p.status === 'paid' && p.receiptCode);
  if (paid && (pay.data || f.feeStatus === 'paid')) {
    return (
      <Stack>
        <Alert color="green" variant="light" title="Đã thu phí, lệ phí" role="status" data-testid="payment-done">
          <Facts>
            <Fact term="Số tiền">{vnd(paid.amountVnd)}</Fact>
            <Fact term="Số biên lai điện tử">
              <Text span fw={700} data-testid="receipt-code">
                {paid.receiptCode}
              </Text>
            </Fact>
            <Fact term="Thời điểm">{dateTimeVn(paid.paidAt)}</Fact>
          </Facts>
        </Alert>
        <PrintFormButton code={code} form="e-receipt" label="In biên lai điện tử" focus={!!pay.data} />
      </Stack>
    );
  }
  if (!f.feeDueVnd || f.feeStatus === 'none' || f.feeStatus === null) {
    return <Text data-testid="no-fee">Thủ tục này không thu phí, lệ phí.</Text>;
  }
  if (f.feeStatus === 'paid') return <Text>Phí, lệ phí đã được nộp.</Text>;
  const amount = f.feeDueVnd;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (method === 'transfer' && !reference.trim()) return setError('Vui lòng nhập mã giao dịch chuyển khoản.');
        setError(null);
        pay.mutate({ method, amountVnd: amount, ...(method === 'transfer' ? { reference: reference.trim() } : {}) });
      }}
    >
      <Stack>
        <Facts>
          <Fact term="Số tiền phải nộp">
            <Text span fw={700} data-testid="fee-due">
              {vnd(amount)}
            </Text>
          </Fact>
        </Facts>
        <Radio.Group label="Hình thức nộp" value={method} onChange={(v) => setMethod(v as 'cash' | 'transfer')}>
          <Group mt={6}>
            <Radio value="cash" label="Tiền mặt tại quầy" data-autofocus={autoFocus || undefined} />
            <Radio value="transfer" label="Chuyển khoản" />
          </Group>
        </Radio.Group>
        {method === 'transfer' && <TextInput label="Mã giao dịch chuyển khoản" required value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={error ?? server.reference} maxLength={200} />}
        {pay.error && <ProblemAlert error={pay.error} testId="payment-error" />}
        <Group justify="flex-end">
          <Button type="submit" loading={pay.isPending} disabled={pay.isPending}>
            Thu {vnd(amount)} và cấp biên lai
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

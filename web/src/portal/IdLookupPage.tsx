import { Alert, Anchor, Badge, Button, Card, Grid, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiProblem, answer, api } from '../api/client';
import type { ApplicantDossier, IdLookupSent } from '../api/types';
import { Fact, Facts } from '../shared/Facts';
import { ProblemAlert } from '../shared/ProblemAlert';
import { dateTimeVn } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { STATUS_COLOR } from './LookupPage';

/** What the page says after any request for a code: the same words whether or not dossiers exist. */
export const CODE_SENT = 'Nếu số CCCD có hồ sơ, mã xác thực đã được gửi tới số điện thoại/thư điện tử đã đăng ký.';

const ID_FORMAT = /^(\d{9}|\d{12})$/;

/** The API's field error for a field, when a 422 names one. */
function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiProblem) || err.status !== 422) return undefined;
  const errors = (err.problem as { errors?: Array<{ field?: string; message?: string }> }).errors;
  return errors?.find((e) => e.field === field)?.message;
}

/** The title of a refused code: wrong (tries left) or no longer valid (ask for a new one). */
function verifyTitle(err: unknown): string | undefined {
  const reason = err instanceof ApiProblem ? err.problem.reason : undefined;
  if (reason === 'LookupCodeWrong') return 'Mã xác thực không đúng';
  if (reason === 'LookupCodeExpired') return 'Mã xác thực không còn hiệu lực';
  return undefined;
}

/**
 * Tra cứu bằng số CCCD, without signing in: the ID number asks for a one-time code, sent by SMS
 * and e-mail to the contact on file (the page says the same whatever the answer); the code shows
 * that person's dossiers, masked (POST /api/v1/status/by-id-number, then /verify).
 */
export function IdLookupPage() {
  usePageTitle('Tra cứu bằng số CCCD');
  const [idNumber, setIdNumber] = useState('');
  const [sentFor, setSentFor] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ idNumber?: string; code?: string }>({});

  const send = useMutation({
    mutationFn: (id: string) => answer<IdLookupSent>(api.POST('/api/v1/status/by-id-number', { body: { idNumber: id } })),
    onSuccess: (_data, id) => {
      setSentFor(id);
      setCode('');
      verify.reset();
    },
  });
  const verify = useMutation({
    mutationFn: (q: { idNumber: string; code: string }) =>
      answer<{ dossiers: ApplicantDossier[] }>(api.POST('/api/v1/status/by-id-number/verify', { body: { idNumber: q.idNumber, code: q.code } })),
  });

  const ask = (e: FormEvent) => {
    e.preventDefault();
    const id = idNumber.trim();
    const found = ID_FORMAT.test(id) ? {} : { idNumber: 'Số CCCD gồm 12 chữ số (số CMND cũ gồm 9 chữ số).' };
    setErrors(found);
    if (found.idNumber) return;
    setSentFor(null);
    verify.reset();
    send.mutate(id);
  };

  const check = (e: FormEvent) => {
    e.preventDefault();
    const found = /^\d{6}$/.test(code) ? {} : { code: 'Vui lòng nhập đủ 6 chữ số của mã xác thực.' };
    setErrors(found);
    if (found.code || !sentFor) return;
    verify.mutate({ idNumber: sentFor, code });
  };

  const sendError = send.isError && !fieldError(send.error, 'idNumber') ? send.error : null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Tra cứu bằng số CCCD</Title>
        <Text c="dimmed" mt={4}>
          Nhập số CCCD (hoặc CMND) của người nộp hồ sơ. Mã xác thực sẽ được gửi tới số điện thoại và thư điện tử đã khai trong hồ sơ; nhập mã để xem danh sách hồ sơ.
        </Text>
        <Text mt={4}>
          Đã có mã hồ sơ?{' '}
          <Anchor component={Link} to="/tra-cuu">
            Tra cứu bằng mã hồ sơ
          </Anchor>
        </Text>
      </div>

      <Card withBorder padding="lg" component="section" aria-labelledby="buoc-1">
        <Title order={2} size="h4" id="buoc-1" mb="sm">
          Bước 1. Nhận mã xác thực
        </Title>
        <form onSubmit={ask} noValidate>
          <Grid align="flex-start">
            <Grid.Col span={{ base: 12, sm: 8 }}>
              <TextInput
                label="Số CCCD/CMND"
                placeholder="Ví dụ: 079123456789"
                value={idNumber}
                onChange={(e) => setIdNumber(e.currentTarget.value.replace(/\D/g, '').slice(0, 12))}
                error={errors.idNumber ?? fieldError(send.error, 'idNumber')}
                inputMode="numeric"
                autoComplete="off"
                maxLength={12}
                required
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Button type="submit" fullWidth mt={{ base: 0, sm: 25 }} loading={send.isPending}>
                {sentFor ? 'Gửi lại mã xác thực' : 'Gửi mã xác thực'}
              </Button>
            </Grid.Col>
          </Grid>
        </form>
        <div aria-live="polite" data-testid="id-lookup-sent">
          {sendError ? (
            <Stack mt="md">
              <ProblemAlert error={sendError} testId="id-lookup-send-error" />
            </Stack>
          ) : null}
          {sentFor && !send.isPending ? (
            <Alert mt="md" color="blue" variant="light" title="Đã ghi nhận yêu cầu">
              {CODE_SENT} Mã có hiệu lực {Math.round((send.data?.expiresInSeconds ?? 300) / 60)} phút và chỉ dùng một lần.
            </Alert>
          ) : null}
        </div>
      </Card>

      {sentFor ? (
        <Card withBorder padding="lg" component="section" aria-labelledby="buoc-2">
          <Title order={2} size="h4" id="buoc-2" mb="sm">
            Bước 2. Nhập mã xác thực
          </Title>
          <form onSubmit={check} noValidate>
            <Grid align="flex-start">
              <Grid.Col span={{ base: 12, sm: 8 }}>
                <TextInput
                  label="Mã xác thực (6 chữ số)"
                  placeholder="Ví dụ: 123456"
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
                  error={errors.code ?? fieldError(verify.error, 'code')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  required
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Button type="submit" fullWidth mt={{ base: 0, sm: 25 }} loading={verify.isPending}>
                  Xem hồ sơ
                </Button>
              </Grid.Col>
            </Grid>
          </form>
        </Card>
      ) : null}

      <div aria-live="polite" data-testid="id-lookup-result">
        {verify.isError && !fieldError(verify.error, 'code') ? <ProblemAlert error={verify.error} title={verifyTitle(verify.error)} testId="id-lookup-error" /> : null}
        {verify.data ? <DossierList dossiers={verify.data.dossiers} /> : null}
      </div>
    </Stack>
  );
}

function DossierList({ dossiers }: { dossiers: ApplicantDossier[] }) {
  if (!dossiers.length) {
    return (
      <Alert color="gray" variant="light" title="Không có hồ sơ">
        Không có hồ sơ nào của số CCCD/CMND này.
      </Alert>
    );
  }
  return (
    <section aria-labelledby="danh-sach-ho-so">
      <Title order={2} size="h3" id="danh-sach-ho-so" mb="sm">
        Hồ sơ của Ông/Bà ({dossiers.length})
      </Title>
      <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {dossiers.map((d) => (
          <Card key={d.code} withBorder padding="lg" component="li">
            <Group justify="space-between" align="flex-start" mb="xs" gap="xs">
              <div>
                <Text size="sm" c="dimmed">
                  Mã hồ sơ
                </Text>
                <Title order={3} fz={{ base: 17, sm: 20 }} style={{ overflowWrap: 'anywhere' }}>
                  {d.code}
                </Title>
              </div>
              <Badge size="lg" variant="light" color={STATUS_COLOR[d.status.code] ?? 'blue'} style={{ whiteSpace: 'normal', height: 'auto' }} py={6}>
                {d.status.label}
              </Badge>
            </Group>
            <Facts>
              <Fact term="Thủ tục">{d.procedure.name}</Fact>
              <Fact term="Người nộp">{d.applicant.fullName}</Fact>
              <Fact term="Ngày tiếp nhận">{d.receivedAt ? dateTimeVn(d.receivedAt) : 'Chưa tiếp nhận'}</Fact>
              <Fact term="Ngày hẹn trả kết quả">
                {d.appointmentAt ? dateTimeVn(d.appointmentAt) : 'Sẽ có khi hồ sơ được tiếp nhận'}
                {d.reappointed ? (
                  <Text component="span" display="block" size="sm" fw={400}>
                    Đã hẹn lại ngày {dateTimeVn(d.reappointed.at)}; hẹn ban đầu {dateTimeVn(d.reappointed.originalAppointmentAt)}
                  </Text>
                ) : null}
              </Fact>
            </Facts>
          </Card>
        ))}
      </Stack>
    </section>
  );
}

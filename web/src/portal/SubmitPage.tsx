import { Alert, Anchor, Button, Card, Grid, Group, List, Loader, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem, api } from '../api/client';
import type { Procedure } from '../api/types';
import { ProblemAlert } from '../shared/ProblemAlert';
import { vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { citizenAnswer, fieldErrorsOf, fieldMessage, newKey, type UploadedDocument } from './citizen';
import { DocumentUpload } from './DocumentUpload';
import { feeOf, useProcedure } from './queries';
import { RequireSignIn } from './RequireSignIn';
import type { Citizen } from './session';

type Delivery = 'online' | 'counter' | 'postal';
/** Which result deliveries each online level allows (as api/dossiers.ts DELIVERY_BY_LEVEL). */
const DELIVERY_BY_LEVEL: Record<'full' | 'partial', Delivery[]> = { full: ['online', 'postal', 'counter'], partial: ['counter', 'postal'] };
const DELIVERY_LABEL: Record<Delivery, string> = {
  online: 'Nhận kết quả trực tuyến (tải về trên Cổng)',
  counter: 'Nhận trực tiếp tại Bộ phận Một cửa',
  postal: 'Nhận qua dịch vụ bưu chính công ích',
};

/** Nộp hồ sơ trực tuyến: the procedure's page leads here; the signed-in citizen files for themselves. */
export function SubmitPage() {
  const { code = '' } = useParams();
  const procedure = useProcedure(code);
  usePageTitle(procedure.data ? `Nộp hồ sơ: ${procedure.data.name}` : 'Nộp hồ sơ trực tuyến');
  return (
    <RequireSignIn title="Nộp hồ sơ trực tuyến" why="Hồ sơ trực tuyến được nộp bằng tài khoản định danh điện tử của chính người nộp.">
      {(citizen) =>
        procedure.isPending ? (
          <Group justify="center" py="xl">
            <Loader role="status" aria-label="Đang tải thông tin thủ tục" />
          </Group>
        ) : procedure.isError ? (
          <Stack>
            <Title order={1}>Nộp hồ sơ trực tuyến</Title>
            <ProblemAlert error={procedure.error} />
          </Stack>
        ) : (
          <SubmitForm procedure={procedure.data} citizen={citizen} />
        )
      }
    </RequireSignIn>
  );
}

interface Fields {
  fullName: string;
  phone: string;
  email: string;
  address: string;
  line: string;
  ward: string;
  province: string;
}

/** The form's fields by the API's field paths, so the API's own 422 lands under the right one. */
const API_FIELD: Record<string, keyof Fields> = {
  'applicant.fullName': 'fullName',
  'applicant.phone': 'phone',
  'applicant.email': 'email',
  'applicant.address': 'address',
  'postalAddress.line': 'line',
  'postalAddress.ward': 'ward',
  'postalAddress.province': 'province',
};

function SubmitForm({ procedure: p, citizen }: { procedure: Procedure; citizen: Citizen }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const deliveries = DELIVERY_BY_LEVEL[p.onlineLevel];
  const [agency, setAgency] = useState<string | null>(p.agencies[0]?.eid ?? null);
  const [delivery, setDelivery] = useState<Delivery>(deliveries[0]!);
  const [f, setF] = useState<Fields>({ fullName: citizen.fullName ?? '', phone: '', email: '', address: '', line: '', ward: '', province: '' });
  const [files, setFiles] = useState<Array<UploadedDocument | null>>(() => p.documents.map(() => null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [others, setOthers] = useState<string[]>([]);
  const summaryRef = useRef<HTMLDivElement>(null);
  // One key per dossier the citizen means to file: a retry after a lost answer files nothing twice.
  const key = useRef<string | null>(null);
  const sending = useRef(false);
  const fee = feeOf(p, 'online');

  const set = (k: keyof Fields) => (e: { currentTarget: { value: string } }) => {
    // Read now: React clears the event's currentTarget once the handler returns, before the updater runs.
    const value = e.currentTarget.value;
    setF((old) => ({ ...old, [k]: value }));
  };

  const submit = useMutation({
    mutationFn: async () => {
      key.current ??= newKey();
      const trimmed = (s: string) => (s.trim() ? s.trim() : undefined);
      return citizenAnswer<{ code: string }>(
        api.POST('/api/v1/dossiers', {
          params: { header: { 'Idempotency-Key': key.current } },
          body: {
            procedureCode: p.code,
            agencyEid: agency ?? '',
            deliveryMethod: delivery,
            applicant: { fullName: f.fullName.trim(), idNumber: citizen.idNumber, phone: trimmed(f.phone), email: trimmed(f.email), address: trimmed(f.address) },
            ...(delivery === 'postal' ? { postalAddress: { line: f.line.trim(), ward: f.ward.trim(), province: f.province.trim() } } : {}),
            documents: p.documents.flatMap((d, i) => {
              const file = files[i];
              return file ? [{ name: d.name, fileId: file.id, checklistItem: i + 1 }] : [];
            }),
          },
        }),
      );
    },
    onSuccess: (created) => {
      void queries.invalidateQueries({ queryKey: ['citizen'] });
      void navigate(`/ho-so-cua-toi/${encodeURIComponent(created.code)}?moi=1`);
    },
    onError: (err) => {
      // Answered: the next attempt is another request. Lost on the way: the same key again.
      if (!(err instanceof ApiProblem) || err.status !== 0) key.current = null;
      const byField = fieldErrorsOf(err);
      const mine: Record<string, string> = {};
      const rest: string[] = [];
      for (const [path, message] of Object.entries(byField)) {
        const field = API_FIELD[path];
        const doc = /^documents\[(\d+)\]/.exec(path);
        if (field) mine[field] = fieldMessage(message);
        else if (doc) {
          const sent = p.documents.map((_, i) => i).filter((i) => files[i]);
          const at = sent[Number(doc[1])];
          if (at !== undefined) mine[`doc${at}`] = fieldMessage(message);
          else rest.push(message);
        } else rest.push(`${path}: ${message}`);
      }
      setErrors(mine);
      setOthers(rest);
      requestAnimationFrame(() => summaryRef.current?.focus());
    },
    onSettled: () => {
      sending.current = false;
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // A second click while the first is on its way does nothing (the button is disabled too).
    if (sending.current) return;
    const found: Record<string, string> = {};
    if (!f.fullName.trim()) found.fullName = 'Vui lòng nhập họ và tên người nộp hồ sơ.';
    if (delivery === 'postal') {
      if (!f.phone.trim()) found.phone = 'Vui lòng nhập số điện thoại để bưu tá liên hệ khi nhận kết quả qua bưu chính.';
      if (!f.line.trim()) found.line = 'Vui lòng nhập số nhà, đường.';
      if (!f.ward.trim()) found.ward = 'Vui lòng nhập phường, xã.';
      if (!f.province.trim()) found.province = 'Vui lòng nhập tỉnh, thành phố.';
    }
    p.documents.forEach((d, i) => {
      if (d.required && !files[i]) found[`doc${i}`] = 'Vui lòng đính kèm tệp của giấy tờ bắt buộc này.';
    });
    setErrors(found);
    setOthers([]);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    sending.current = true;
    submit.mutate();
  };

  const errorCount = Object.keys(errors).length + others.length;
  const apiProblem = submit.isError && !(submit.error instanceof ApiProblem && submit.error.status === 422) ? submit.error : null;
  const disabled = submit.isPending;

  return (
    <Stack gap="lg">
      <Anchor component={Link} to={`/thu-tuc/${encodeURIComponent(p.code)}`} size="sm">
        ← {p.name}
      </Anchor>
      <div>
        <Title order={1}>Nộp hồ sơ trực tuyến</Title>
        <Text c="dimmed" mt={4}>
          {p.name}
        </Text>
      </div>
      <div ref={summaryRef} tabIndex={-1} style={{ outline: 'none' }} aria-live="polite">
        {errorCount ? (
          <Alert color="red" variant="light" title="Hồ sơ chưa nộp được" role="alert" data-testid="form-errors">
            <Text size="sm">Vui lòng sửa {errorCount} mục được đánh dấu bên dưới rồi nộp lại.</Text>
            {others.length ? (
              <List size="sm" mt={4}>
                {others.map((o) => (
                  <List.Item key={o}>{o}</List.Item>
                ))}
              </List>
            ) : null}
          </Alert>
        ) : apiProblem ? (
          <ProblemAlert error={apiProblem} title="Hồ sơ chưa nộp được" />
        ) : null}
      </div>
      <form onSubmit={onSubmit} noValidate aria-label="Nộp hồ sơ trực tuyến">
        <Stack gap="lg">
          <Card withBorder padding="lg" component="section" aria-labelledby="nguoi-nop">
            <Title order={2} size="h3" id="nguoi-nop" mb="sm">
              Thông tin người nộp hồ sơ
            </Title>
            <Grid>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Họ và tên" value={f.fullName} onChange={set('fullName')} error={errors.fullName} required autoComplete="name" disabled={disabled} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Số CCCD/CMND" value={citizen.idNumber} readOnly variant="filled" description="Theo tài khoản định danh điện tử đã đăng nhập" />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Số điện thoại"
                  description="Để nhận tin nhắn về tình trạng hồ sơ, ví dụ 0912345678"
                  value={f.phone}
                  onChange={set('phone')}
                  error={errors.phone}
                  inputMode="tel"
                  autoComplete="tel"
                  required={delivery === 'postal'}
                  disabled={disabled}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Thư điện tử" value={f.email} onChange={set('email')} error={errors.email} type="email" autoComplete="email" disabled={disabled} />
              </Grid.Col>
              <Grid.Col span={12}>
                <TextInput label="Địa chỉ liên hệ" value={f.address} onChange={set('address')} error={errors.address} autoComplete="street-address" disabled={disabled} />
              </Grid.Col>
            </Grid>
          </Card>

          <Card withBorder padding="lg" component="section" aria-labelledby="thanh-phan">
            <Title order={2} size="h3" id="thanh-phan">
              Thành phần hồ sơ
            </Title>
            <Text size="sm" c="dimmed" mt={4} mb="md">
              Đính kèm bản điện tử (bản chụp, bản quét) của từng giấy tờ; mỗi tệp được tải lên ngay khi chọn.
            </Text>
            <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 16 }}>
              {p.documents.map((d, i) => (
                <DocumentUpload
                  key={d.name}
                  name={d.name}
                  index={i}
                  required={d.required}
                  value={files[i] ?? null}
                  error={errors[`doc${i}`]}
                  disabled={disabled}
                  onChange={(doc) => {
                    setFiles((old) => old.map((x, j) => (j === i ? doc : x)));
                    setErrors(({ [`doc${i}`]: _, ...rest }) => rest);
                  }}
                />
              ))}
            </ul>
          </Card>

          <Card withBorder padding="lg" component="section" aria-labelledby="nhan-ket-qua">
            <Title order={2} size="h3" id="nhan-ket-qua" mb="sm">
              Nơi nộp và cách nhận kết quả
            </Title>
            <Stack gap="md">
              {p.agencies.length > 1 ? (
                <Select label="Cơ quan tiếp nhận" data={p.agencies.map((a) => ({ value: a.eid, label: a.name }))} value={agency} onChange={setAgency} allowDeselect={false} disabled={disabled} />
              ) : p.agencies[0] ? (
                <Text size="sm">
                  Cơ quan tiếp nhận: <strong>{p.agencies[0].name}</strong>
                </Text>
              ) : null}
              <Radio.Group label="Hình thức nhận kết quả" value={delivery} onChange={(v) => setDelivery(v as Delivery)}>
                <Stack gap="xs" mt="xs">
                  {deliveries.map((d) => (
                    <Radio key={d} value={d} label={DELIVERY_LABEL[d]} disabled={disabled} />
                  ))}
                </Stack>
              </Radio.Group>
              {delivery === 'postal' ? (
                <Grid>
                  <Grid.Col span={12}>
                    <TextInput label="Số nhà, đường (nơi nhận kết quả)" value={f.line} onChange={set('line')} error={errors.line} required disabled={disabled} />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, sm: 6 }}>
                    <TextInput label="Phường, xã" value={f.ward} onChange={set('ward')} error={errors.ward} required disabled={disabled} />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, sm: 6 }}>
                    <TextInput label="Tỉnh, thành phố" value={f.province} onChange={set('province')} error={errors.province} required disabled={disabled} />
                  </Grid.Col>
                </Grid>
              ) : null}
              {fee !== null ? (
                <Text size="sm">
                  Lệ phí nộp trực tuyến: <strong>{vnd(fee)}</strong>. Sau khi nộp, Ông/Bà có thể thanh toán trực tuyến ngay trên trang hồ sơ.
                </Text>
              ) : null}
            </Stack>
          </Card>

          <Group justify="flex-end">
            <Button type="submit" size="md" loading={submit.isPending} disabled={disabled} data-testid="submit-dossier">
              Nộp hồ sơ
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

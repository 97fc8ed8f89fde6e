import { Alert, Anchor, Badge, Button, Card, Grid, Group, List, Loader, Modal, Radio, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiProblem, api } from '../api/client';
import { Fact, Facts } from '../shared/Facts';
import { ProblemAlert } from '../shared/ProblemAlert';
import { CHANNEL_LABEL, FEE_STATUS_LABEL, PAYMENT_METHOD_LABEL, dateTimeVn, vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { citizenAnswer, download, fieldErrorsOf, fieldMessage, newKey, sizeText, useMyDossier, type OwnDossier, type Rating, type StartedPayment, type UploadedDocument } from './citizen';
import { DocumentUpload } from './DocumentUpload';
import { STATUS_COLOR } from './LookupPage';
import { ChainStages } from './ChainStages';
import { RequireSignIn } from './RequireSignIn';

/** States from which the applicant may withdraw: no decision yet (domain/status.ts STOPPABLE). */
const WITHDRAWABLE = ['SUBMITTED', 'SUPPLEMENT_AT_INTAKE', 'RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION'];
const WITH_RESULT = ['APPROVED', 'DENIED', 'RESULT_IN_TRANSIT', 'RESULT_RETURNED', 'RESULT_DELIVERED', 'COMPLETED'];

/** Chi tiết hồ sơ of the signed-in applicant: status, dates, what to do now, documents to download, withdraw, rating. */
export function MyDossierPage() {
  const { code = '' } = useParams();
  usePageTitle(`Hồ sơ ${code}`);
  return (
    <RequireSignIn title={`Hồ sơ ${code}`} why="Chi tiết hồ sơ, yêu cầu bổ sung, giấy tờ và kết quả chỉ người nộp hồ sơ xem được, sau khi đăng nhập.">
      {() => <MyDossier code={code} />}
    </RequireSignIn>
  );
}

function MyDossier({ code }: { code: string }) {
  const [params] = useSearchParams();
  const dossier = useMyDossier(code, true);
  const back = (
    <Anchor component={Link} to="/ho-so-cua-toi" size="sm">
      ← Hồ sơ của tôi
    </Anchor>
  );
  if (dossier.isPending)
    return (
      <Group justify="center" py="xl">
        <Loader role="status" aria-label="Đang tải hồ sơ" />
      </Group>
    );
  if (dossier.isError) {
    const err = dossier.error;
    // Someone else's code and a code that does not exist read alike.
    const unknown = err instanceof ApiProblem && (err.status === 404 || err.status === 400);
    return (
      <Stack gap="lg">
        {back}
        <Title order={1}>Hồ sơ {code}</Title>
        {unknown ? (
          <Alert color="red" variant="light" title="Không tìm thấy hồ sơ" role="alert" data-testid="dossier-unknown">
            Không có hồ sơ mang mã {code} trong các hồ sơ của Ông/Bà. Vui lòng kiểm tra lại mã hồ sơ trên giấy tiếp nhận.
          </Alert>
        ) : (
          <ProblemAlert error={err} />
        )}
      </Stack>
    );
  }
  const d = dossier.data;
  return (
    <Stack gap="lg">
      {back}
      {params.get('moi') ? (
        <Alert color="teal" variant="light" title="Đã nộp hồ sơ" data-testid="submitted-notice">
          Hồ sơ của Ông/Bà đã được gửi tới {d.agency.name} với mã <strong>{d.code}</strong>. Vui lòng ghi lại mã hồ sơ để tra cứu.
          {d.fee?.status === 'unpaid' ? ' Lệ phí cần được thanh toán để hồ sơ được giải quyết.' : ''}
        </Alert>
      ) : null}
      <Group justify="space-between" align="flex-start" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text size="sm" c="dimmed">
            Mã hồ sơ
          </Text>
          <Title order={1} fz={{ base: 22, sm: 30 }} style={{ overflowWrap: 'anywhere' }}>
            {d.code}
          </Title>
          <Text mt={4}>{d.procedure.name}</Text>
        </div>
        <Badge size="lg" variant="light" color={STATUS_COLOR[d.status.code] ?? 'blue'} style={{ whiteSpace: 'normal', height: 'auto' }} py={6} data-testid="dossier-status">
          {d.status.label}
        </Badge>
      </Group>

      {d.pending?.kind === 'supplement' ? <SupplementRequest d={d} pending={d.pending} /> : null}
      {d.pending?.kind === 'site_visit' ? (
        <Alert color="blue" variant="light" title="Lịch xác minh, kiểm tra thực địa">
          Ngày {d.pending.visit.date.split('-').reverse().join('/')}, từ {d.pending.visit.from} đến {d.pending.visit.to}
          {d.pending.visit.place ? `, tại ${d.pending.visit.place}` : ''}.
        </Alert>
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder padding="lg" component="section" aria-labelledby="thong-tin">
              <Title order={2} size="h3" id="thong-tin" mb="sm">
                Thông tin hồ sơ
              </Title>
              <Facts>
                <Fact term="Cơ quan giải quyết">{d.agency.name}</Fact>
                <Fact term="Hình thức nộp">{CHANNEL_LABEL[d.channel] ?? d.channel}</Fact>
                <Fact term="Ngày nộp">{dateTimeVn(d.submittedAt)}</Fact>
                <Fact term="Ngày tiếp nhận">{d.receivedAt ? dateTimeVn(d.receivedAt) : 'Chưa tiếp nhận'}</Fact>
                <Fact term="Ngày hẹn trả kết quả">{d.appointmentAt ? dateTimeVn(d.appointmentAt) : 'Sẽ có khi hồ sơ được tiếp nhận'}</Fact>
                {d.reappointment ? (
                  <Fact term="Đã hẹn lại">
                    Ngày hẹn mới {dateTimeVn(d.reappointment.appointmentAt)} (hẹn ban đầu {dateTimeVn(d.reappointment.originalAppointmentAt)})
                    {d.reappointment.reason ? `. Lý do: ${d.reappointment.reason}` : ''}
                  </Fact>
                ) : null}
                {d.fee ? (
                  <Fact term="Phí, lệ phí">
                    <span data-testid="fee">
                      {vnd(d.fee.amountVnd)} ({FEE_STATUS_LABEL[d.fee.status] ?? d.fee.status})
                    </span>
                  </Fact>
                ) : null}
                {d.receipts?.length ? (
                  <Fact term="Biên lai điện tử">
                    {d.receipts.map((r) => (
                      <span key={`${r.series}-${r.number}`} style={{ display: 'block' }}>
                        Ký hiệu {r.series}, số {String(r.number).padStart(7, '0')}: {vnd(r.amountVnd)}, {PAYMENT_METHOD_LABEL[r.method] ?? r.method}, lúc {dateTimeVn(r.paidAt)}
                      </span>
                    ))}
                  </Fact>
                ) : null}
                {d.closingReason ? <Fact term="Lý do">{d.closingReason}</Fact> : null}
                {d.shipment ? <Fact term="Mã bưu gửi">{d.shipment.trackingNumber}</Fact> : null}
              </Facts>
              {d.fee?.status === 'unpaid' && WITHDRAWABLE.includes(d.status.code) ? <PayOnline code={d.code} amount={d.fee.amountVnd} /> : null}
            </Card>
            <Downloads d={d} />
            {d.status.code === 'COMPLETED' || d.status.code === 'RESULT_DELIVERED' ? <RatingForm code={d.code} /> : null}
            {WITHDRAWABLE.includes(d.status.code) ? <Withdraw code={d.code} /> : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder padding="lg" component="section" aria-labelledby="qua-trinh">
            <Title order={2} size="h3" id="qua-trinh" mb="sm">
              Quá trình xử lý
            </Title>
            {d.history.length === 0 ? (
              <Text size="sm">Đang ghi nhận hồ sơ…</Text>
            ) : (
              <Timeline active={d.history.length - 1} bulletSize={14} lineWidth={2}>
                {d.history.map((h, i) => (
                  <Timeline.Item key={`${h.at}-${i}`} title={h.status.label}>
                    <Text size="sm" c="dimmed">
                      {dateTimeVn(h.at)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            )}
          </Card>
        </Grid.Col>
        {d.chain ? (
          <Grid.Col span={12}>
            <ChainStages chain={d.chain} />
          </Grid.Col>
        ) : null}
      </Grid>
    </Stack>
  );
}

/** Thanh toán trực tuyến: the API opens the payment, the browser goes to the gateway and comes back to /thanh-toan/ket-qua. */
function PayOnline({ code, amount }: { code: string; amount: number }) {
  const key = useRef(newKey());
  const pay = useMutation({
    mutationFn: () =>
      citizenAnswer<StartedPayment>(api.POST('/api/v1/citizen/dossiers/{code}/payments', { params: { path: { code }, header: { 'Idempotency-Key': key.current } }, body: {} })),
    onSuccess: (started) => window.location.assign(started.paymentUrl),
    onError: () => {
      key.current = newKey();
    },
  });
  return (
    <Stack gap="xs" mt="md">
      <Text size="sm">Lệ phí chưa nộp. Thanh toán qua cổng thanh toán trực tuyến; sau khi thanh toán, Ông/Bà được đưa về Cổng dịch vụ công.</Text>
      <Group>
        <Button onClick={() => pay.mutate()} loading={pay.isPending || pay.isSuccess}>
          Thanh toán trực tuyến {vnd(amount)}
        </Button>
      </Group>
      {pay.isError ? <ProblemAlert error={pay.error} title="Chưa mở được thanh toán" /> : null}
    </Stack>
  );
}

/** "Cần bổ sung": what the officer asked for, why and by when, and the reply with the files. */
function SupplementRequest({ d, pending }: { d: OwnDossier; pending: Extract<OwnDossier['pending'], { kind: 'supplement' }> }) {
  const queries = useQueryClient();
  const items = pending.items.length ? pending.items : ['Giấy tờ bổ sung'];
  const [files, setFiles] = useState<Array<UploadedDocument | null>>(() => items.map(() => null));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const key = useRef<string | null>(null);
  const send = useMutation({
    mutationFn: () => {
      key.current ??= newKey();
      return citizenAnswer<unknown>(
        api.POST('/api/v1/citizen/dossiers/{code}/supplement', {
          params: { path: { code: d.code }, header: { 'Idempotency-Key': key.current } },
          body: {
            documents: items.flatMap((name, i) => (files[i] ? [{ name, fileId: files[i].id }] : [])),
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      );
    },
    onSuccess: () => queries.invalidateQueries({ queryKey: ['citizen'] }),
    onError: (err) => {
      if (!(err instanceof ApiProblem) || err.status !== 0) key.current = null;
      const byField = fieldErrorsOf(err);
      setErrors(Object.fromEntries(Object.entries(byField).map(([k, v]) => [k === 'note' ? 'note' : 'documents', fieldMessage(v)])));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (send.isPending) return;
    if (!files.some(Boolean)) {
      setErrors({ documents: 'Vui lòng đính kèm ít nhất một tệp giấy tờ bổ sung.' });
      return;
    }
    setErrors({});
    send.mutate();
  };
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="can-bo-sung" style={{ borderColor: 'var(--mantine-color-orange-6)', borderWidth: 2 }} data-testid="supplement-request">
      <Title order={2} size="h3" id="can-bo-sung" c="var(--mantine-color-orange-light-color)">
        Hồ sơ cần bổ sung
      </Title>
      <Facts>
        {pending.reason ? <Fact term="Lý do">{pending.reason}</Fact> : null}
        <Fact term="Giấy tờ cần bổ sung">
          <List size="sm" spacing={2}>
            {pending.items.map((i) => (
              <List.Item key={i}>{i}</List.Item>
            ))}
          </List>
        </Fact>
        <Fact term="Hạn bổ sung">{pending.deadline ? dateTimeVn(pending.deadline) : 'Theo phiếu yêu cầu bổ sung'}</Fact>
      </Facts>
      <Text size="sm" c="dimmed" mt="xs">
        Quá hạn mà chưa bổ sung, hồ sơ có thể bị đóng. Phiếu yêu cầu bổ sung (Mẫu 02) có trong mục Giấy tờ của hồ sơ.
      </Text>
      <form onSubmit={submit} noValidate aria-label="Gửi hồ sơ bổ sung">
        <Title order={3} size="h4" mt="lg" mb="sm">
          Gửi bổ sung
        </Title>
        <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 16 }}>
          {items.map((name, i) => (
            <DocumentUpload
              key={`${i}-${name}`}
              name={name}
              index={i}
              required
              tag="Được yêu cầu"
              value={files[i] ?? null}
              disabled={send.isPending}
              error={i === 0 ? errors.documents : undefined}
              onChange={(doc) => setFiles((old) => old.map((x, j) => (j === i ? doc : x)))}
            />
          ))}
        </ul>
        <Textarea mt="md" label="Ghi chú cho cán bộ" value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.note} autosize minRows={2} maxLength={2000} disabled={send.isPending} />
        <Group mt="md">
          <Button type="submit" loading={send.isPending} disabled={send.isPending}>
            Gửi hồ sơ bổ sung
          </Button>
        </Group>
        <div aria-live="polite">{send.isError && !Object.keys(errors).length ? <ProblemAlert error={send.error} title="Chưa gửi được hồ sơ bổ sung" /> : null}</div>
      </form>
    </Card>
  );
}

interface FormLink {
  form: string;
  label: string;
}

/** The documents of the dossier the applicant can keep, each fetched with the token and saved as a file. */
function Downloads({ d }: { d: OwnDossier }) {
  const history = new Set(d.history.map((h) => h.status.code));
  const links: FormLink[] = [];
  if (d.receivedAt) links.push({ form: 'receipt', label: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)' });
  if (history.has('SUPPLEMENT_AT_INTAKE') || history.has('SUPPLEMENT_REQUESTED')) links.push({ form: 'supplement-request', label: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)' });
  if (d.status.code === 'REFUSED_AT_INTAKE') links.push({ form: 'refusal', label: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)' });
  if (d.reappointment) links.push({ form: 'apology', label: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)' });
  if (d.status.code === 'WITHDRAWN' || d.status.code === 'CANCELLED') links.push({ form: 'stop-notice', label: 'Phiếu dừng xử lý hồ sơ (Mẫu 05)' });
  if (d.receipts?.length) links.push({ form: 'e-receipt', label: 'Biên lai điện tử thu phí, lệ phí' });
  if (WITH_RESULT.includes(d.status.code)) links.push({ form: 'result', label: 'Kết quả giải quyết điện tử' });
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="giay-to">
      <Title order={2} size="h3" id="giay-to" mb="sm">
        Giấy tờ của hồ sơ
      </Title>
      {links.length === 0 ? (
        <Text size="sm">Giấy tiếp nhận hồ sơ và hẹn trả kết quả sẽ có khi hồ sơ được tiếp nhận.</Text>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {links.map((l) => (
            <DownloadRow key={l.form} code={d.code} link={l} />
          ))}
        </Stack>
      )}
    </Card>
  );
}

function DownloadRow({ code, link }: { code: string; link: FormLink }) {
  const get = useMutation({
    mutationFn: () => download(`/api/v1/citizen/dossiers/${encodeURIComponent(code)}/forms/${link.form}?format=pdf`, `${link.form}-${code}.pdf`),
  });
  return (
    <li>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" style={{ flex: '1 1 220px' }}>
          {link.label}
        </Text>
        <Button size="xs" variant="light" onClick={() => get.mutate()} loading={get.isPending} aria-label={`Tải về (PDF): ${link.label}`} data-testid={`download-${link.form}`}>
          Tải về (PDF)
        </Button>
      </Group>
      <div aria-live="polite">
        {get.data ? (
          <Text size="xs" c="teal.9" data-testid={`downloaded-${link.form}`}>
            Đã tải về {get.data.fileName} ({sizeText(get.data.size)})
          </Text>
        ) : null}
        {get.isError ? <ProblemAlert error={get.error} title="Chưa tải được" /> : null}
      </div>
    </li>
  );
}

const LEVELS = [
  { value: 'very_satisfied', label: 'Rất hài lòng' },
  { value: 'satisfied', label: 'Hài lòng' },
  { value: 'not_satisfied', label: 'Không hài lòng' },
] as const;

/** Đánh giá mức độ hài lòng, once, after completion. */
function RatingForm({ code }: { code: string }) {
  const [level, setLevel] = useState<string>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Rating | null>(null);
  const rate = useMutation({
    mutationFn: () =>
      citizenAnswer<Rating>(
        api.POST('/api/v1/citizen/dossiers/{code}/rating', {
          params: { path: { code } },
          body: { level: level as Rating['level'], ...(comment.trim() ? { comment: comment.trim() } : {}) },
        }),
      ),
    onSuccess: setDone,
    onError: (err) => {
      // Rated before (here or elsewhere): what was said then.
      const earlier = err instanceof ApiProblem ? (err.problem as { reason?: string; rating?: Rating | null }) : null;
      if (earlier?.reason === 'AlreadyRated' && earlier.rating) setDone(earlier.rating);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!level) {
      setError('Vui lòng chọn mức độ hài lòng.');
      return;
    }
    setError(null);
    rate.mutate();
  };
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="danh-gia">
      <Title order={2} size="h3" id="danh-gia" mb="sm">
        Đánh giá mức độ hài lòng
      </Title>
      {done ? (
        <Alert color="teal" variant="light" title="Cảm ơn Ông/Bà đã đánh giá" data-testid="rating-done">
          Mức độ hài lòng: <strong>{done.label}</strong>
          {done.comment ? `. Ý kiến: ${done.comment}` : ''}.
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Đánh giá mức độ hài lòng">
          <Radio.Group label="Ông/Bà hài lòng thế nào với việc giải quyết hồ sơ?" value={level} onChange={setLevel} error={error} required>
            <Group gap="lg" mt="xs">
              {LEVELS.map((l) => (
                <Radio key={l.value} value={l.value} label={l.label} />
              ))}
            </Group>
          </Radio.Group>
          <Textarea mt="md" label="Ý kiến (không bắt buộc)" value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={2} maxLength={1000} />
          <Button mt="md" type="submit" loading={rate.isPending}>
            Gửi đánh giá
          </Button>
          {rate.isError ? <ProblemAlert error={rate.error} title="Chưa gửi được đánh giá" /> : null}
        </form>
      )}
    </Card>
  );
}

/** Rút hồ sơ: asked to confirm with a reason in a dialog; focus goes back to the button when it closes. */
function Withdraw({ code }: { code: string }) {
  const queries = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const key = useRef<string | null>(null);
  const withdraw = useMutation({
    mutationFn: () => {
      key.current ??= newKey();
      return citizenAnswer<unknown>(
        api.POST('/api/v1/citizen/dossiers/{code}/withdraw', { params: { path: { code }, header: { 'Idempotency-Key': key.current } }, body: { reason: reason.trim() } }),
      );
    },
    onSuccess: async () => {
      setOpened(false);
      await queries.invalidateQueries({ queryKey: ['citizen'] });
    },
    onError: (err) => {
      if (!(err instanceof ApiProblem) || err.status !== 0) key.current = null;
      const f = fieldErrorsOf(err);
      if (f.reason) setError(fieldMessage(f.reason));
    },
  });
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError('Vui lòng cho biết lý do rút hồ sơ.');
      return;
    }
    setError(null);
    withdraw.mutate();
  };
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="rut-ho-so">
      <Title order={2} size="h3" id="rut-ho-so" mb="xs">
        Rút hồ sơ
      </Title>
      <Text size="sm" mb="sm">
        Ông/Bà có thể rút hồ sơ khi cơ quan chưa có quyết định giải quyết. Hồ sơ đã rút không được xử lý tiếp.
      </Text>
      <Group>
        <Button variant="outline" color="red.9" onClick={() => setOpened(true)}>
          Rút hồ sơ
        </Button>
      </Group>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Xác nhận rút hồ sơ" closeButtonProps={{ 'aria-label': 'Đóng' }} centered>
        <form onSubmit={confirm} noValidate>
          <Text size="sm" mb="sm">
            Rút hồ sơ <strong style={{ overflowWrap: 'anywhere' }}>{code}</strong>? Thao tác này không hoàn tác được.
          </Text>
          <Textarea label="Lý do rút hồ sơ" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} required autosize minRows={2} maxLength={2000} data-autofocus />
          {withdraw.isError && !error ? (
            <div style={{ marginTop: 12 }}>
              <ProblemAlert error={withdraw.error} title="Chưa rút được hồ sơ" />
            </div>
          ) : null}
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={() => setOpened(false)}>
              Không rút
            </Button>
            <Button type="submit" color="red.9" loading={withdraw.isPending}>
              Xác nhận rút hồ sơ
            </Button>
          </Group>
        </form>
      </Modal>
    </Card>
  );
}

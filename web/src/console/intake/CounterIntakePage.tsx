import { Alert, Anchor, Badge, Button, Checkbox, FileInput, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { answer, api, ApiProblem } from '../../api/client';
import type { Procedure } from '../../api/types';
import { currentToken } from '../../auth/oidc';
import { dateTimeVn, timeLimitText, vnd } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { feeOf, useProcedures } from '../../portal/queries';
import { CashPayment } from '../actions/intake-CashPayment';
import { fieldErrorsOf, PrintFormButton, useIdempotencyKey } from '../actions/intake-common';
import { PATHS } from '../paths';
import { useSession } from '../session';

interface Uploaded {
  id: string;
  filename: string;
}

/** Per checklist item: a scan uploaded, or the paper received, or a waiver with its reason. */
interface ItemState {
  scan?: Uploaded;
  uploading?: boolean;
  uploadError?: unknown;
  paper?: boolean;
  waive?: boolean;
  reason?: string;
}

interface Submitted {
  code: string;
  status: { code: string; label: string };
  appointmentAt: string | null;
  acceptance?: { status: number; detail: string; reason?: string };
  notice?: string;
}

const NAME_RE = /\S+\s+\S+/;
const ID_RE = /^(\d{12}|\d{9})$/;
const PHONE_RE = /^(\+84|0)\d{9}$/;

/** A scan uploaded for the agency before the dossier exists (POST /agencies/{eid}/documents); the counter submission claims it. */
async function uploadScan(agencyEid: string, file: File, name: string): Promise<Uploaded> {
  const form = new FormData();
  form.set('name', name);
  form.set('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(`/api/v1/agencies/${encodeURIComponent(agencyEid)}/documents`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Bearer ${currentToken() ?? ''}`, 'Idempotency-Key': crypto.randomUUID() },
    });
  } catch {
    throw new ApiProblem(0, { detail: 'Không kết nối được với hệ thống. Vui lòng kiểm tra kết nối mạng và thử lại.' });
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ApiProblem(response.status, body);
  return { id: String(body.id), filename: String(body.filename) };
}

/**
 * Tiếp nhận tại quầy: the one-stop officer enters a citizen's dossier at the counter. The
 * procedure (its required documents shown), the applicant, each document scanned (uploaded
 * now) or its paper received, a waiver with a reason for a required one not brought; "Tiếp
 * nhận" files and accepts it on the spot (POST /counter/dossiers, acceptNow); then the receipt
 * (Mẫu 01) to print and the fee taken in cash with its e-receipt.
 */
export function CounterIntakePage() {
  usePageTitle('Tiếp nhận tại quầy', 'Phần mềm một cửa');
  const { me } = useSession();
  const procedures = useProcedures();
  const myAgencies = me.agencies.filter((a) => a.roles.some((r) => r.role === 'one_stop_officer'));
  const [agencyEid, setAgencyEid] = useState<string | null>(myAgencies[0]?.eid ?? null);
  const [procedureCode, setProcedureCode] = useState<string | null>(null);
  const [applicant, setApplicant] = useState({ fullName: '', idNumber: '', phone: '', email: '', address: '' });
  const [delivery, setDelivery] = useState<'counter' | 'online'>('counter');
  const [items, setItems] = useState<Record<number, ItemState>>({});
  // Once the officer has tried to send, each field says what is still wrong as they fix it.
  const [tried, setTried] = useState(false);
  const [round, setRound] = useState(0);

  const offered = useMemo(() => (procedures.data ?? []).filter((p) => !agencyEid || p.agencies.some((a) => a.eid === agencyEid)), [procedures.data, agencyEid]);
  const procedure: Procedure | undefined = offered.find((p) => p.code === procedureCode);

  const submit = useSubmit(round);
  const server = fieldErrorsOf(submit.error);
  const done = submit.data;

  const setItem = (item: number, patch: Partial<ItemState>) => setItems((s) => ({ ...s, [item]: { ...s[item], ...patch } }));
  const reset = () => {
    setProcedureCode(null);
    setApplicant({ fullName: '', idNumber: '', phone: '', email: '', address: '' });
    setItems({});
    setTried(false);
    submit.reset();
    setRound((r) => r + 1);
  };

  const validate = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!agencyEid) e.agency = 'Vui lòng chọn cơ quan tiếp nhận.';
    if (!procedure) e.procedure = 'Vui lòng chọn thủ tục.';
    if (!NAME_RE.test(applicant.fullName.trim())) e.fullName = 'Vui lòng nhập đầy đủ họ và tên.';
    if (!ID_RE.test(applicant.idNumber.trim())) e.idNumber = 'Số CCCD gồm 12 chữ số (hoặc CMND 9 chữ số).';
    if (applicant.phone.trim() && !PHONE_RE.test(applicant.phone.trim())) e.phone = 'Số điện thoại Việt Nam, ví dụ 0912345678.';
    if (applicant.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(applicant.email.trim())) e.email = 'Địa chỉ thư điện tử chưa đúng.';
    procedure?.documents.forEach((d, i) => {
      const n = i + 1;
      const s = items[n] ?? {};
      if (s.uploading) e[`doc-${n}`] = 'Tệp đang được tải lên, vui lòng đợi.';
      else if (d.required && !s.scan && !s.paper) {
        if (!s.waive) e[`doc-${n}`] = 'Giấy tờ bắt buộc: tải bản quét, đánh dấu đã nhận bản giấy, hoặc miễn có lý do.';
        else if (!s.reason?.trim()) e[`reason-${n}`] = 'Vui lòng ghi lý do miễn giấy tờ này.';
      }
    });
    return e;
  };

  const errors = tried ? validate() : {};
  const send = () => {
    const e = validate();
    setTried(true);
    if (Object.keys(e).length || !procedure || !agencyEid) {
      // The summary takes the focus (read out; a select focused would open its list over the errors).
      requestAnimationFrame(() => document.getElementById('counter-errors')?.focus());
      return;
    }
    const documents: Array<{ name: string; fileId?: string; checklistItem: number }> = [];
    const waivers: Array<{ item: number; reason: string }> = [];
    procedure.documents.forEach((d, i) => {
      const n = i + 1;
      const s = items[n] ?? {};
      if (s.scan) documents.push({ name: d.name, fileId: s.scan.id, checklistItem: n });
      if (s.paper && !s.scan) documents.push({ name: d.name, checklistItem: n });
      if (d.required && !s.scan && !s.paper && s.waive) waivers.push({ item: n, reason: s.reason!.trim() });
    });
    const a = applicant;
    submit.mutate({
      procedureCode: procedure.code,
      agencyEid,
      deliveryMethod: delivery,
      acceptNow: true,
      ...(waivers.length ? { waivers } : {}),
      applicant: {
        fullName: a.fullName.trim(),
        idNumber: a.idNumber.trim(),
        ...(a.phone.trim() ? { phone: a.phone.trim() } : {}),
        ...(a.email.trim() ? { email: a.email.trim() } : {}),
        ...(a.address.trim() ? { address: a.address.trim() } : {}),
      },
      documents,
    });
  };

  if (done) {
    const accepted = !done.acceptance && done.status.code !== 'SUBMITTED';
    const fee = procedure ? feeOf(procedure, 'counter') : null;
    return (
      <Stack gap="md" maw={760}>
        <Title order={1} size="h2">
          Tiếp nhận tại quầy
        </Title>
        {accepted ? (
          <Alert color="green" variant="light" title={`Đã tiếp nhận hồ sơ ${done.code}`} role="status" data-testid="counter-accepted">
            {done.appointmentAt ? `Ngày hẹn trả kết quả: ${dateTimeVn(done.appointmentAt)}.` : 'Ngày hẹn trả kết quả được tính khi công dân nộp phí, lệ phí: thu phí bên dưới rồi in giấy tiếp nhận (Mẫu 01) có ngày hẹn.'}
          </Alert>
        ) : (
          <Alert color="orange" variant="light" title={`Đã ghi nhận hồ sơ ${done.code}, chưa tiếp nhận`} role="alert" data-testid="counter-not-accepted">
            {done.acceptance?.detail ?? done.notice ?? 'Hồ sơ đang chờ tiếp nhận trong hàng đợi.'}
          </Alert>
        )}
        <Group>
          {accepted && <PrintFormButton code={done.code} form="receipt" label="In giấy tiếp nhận (Mẫu 01)" focus />}
          <Button component={Link} to={PATHS.dossier(done.code)} variant="default">
            Xem hồ sơ
          </Button>
          <Button variant="subtle" onClick={reset}>
            Tiếp nhận hồ sơ mới
          </Button>
        </Group>
        {fee !== null && fee > 0 && (
          <Paper withBorder p="md" component="section" aria-labelledby="fee-title">
            <Title order={2} size="h4" id="fee-title" mb="sm">
              Thu phí, lệ phí
            </Title>
            <CashPayment code={done.code} />
          </Paper>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="md" maw={960}>
      <Title order={1} size="h2">
        Tiếp nhận tại quầy
      </Title>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <Stack gap="md">
          <Paper withBorder p="md" component="section" aria-labelledby="proc-title">
            <Title order={2} size="h4" id="proc-title" mb="sm">
              Thủ tục
            </Title>
            <SimpleGrid cols={{ base: 1, sm: myAgencies.length > 1 ? 2 : 1 }}>
              {myAgencies.length > 1 && (
                <Select
                  label="Cơ quan tiếp nhận"
                  data={myAgencies.map((a) => ({ value: a.eid, label: a.name }))}
                  value={agencyEid}
                  onChange={(v) => {
                    setAgencyEid(v);
                    setProcedureCode(null);
                    setItems({});
                  }}
                  allowDeselect={false}
                  error={errors.agency}
                />
              )}
              <Select
                label="Thủ tục hành chính"
                placeholder={procedures.isPending ? 'Đang tải danh mục…' : 'Gõ để tìm thủ tục'}
                data={offered.map((p) => ({ value: p.code, label: p.name }))}
                value={procedureCode}
                onChange={(v) => {
                  setProcedureCode(v);
                  setItems({});
                }}
                searchable
                required
                error={errors.procedure ?? server.procedureCode}
                nothingFoundMessage="Không có thủ tục phù hợp"
                data-testid="procedure-picker"
              />
            </SimpleGrid>
            {procedures.error && <ProblemAlert error={procedures.error} />}
            {procedure && (
              <Group gap="lg" mt="sm">
                <Text size="sm">Thời hạn giải quyết: {timeLimitText(procedure.timeLimit)}</Text>
                <Text size="sm">Phí, lệ phí nộp tại quầy: {feeOf(procedure, 'counter') ? vnd(feeOf(procedure, 'counter')!) : 'Không thu'}</Text>
              </Group>
            )}
          </Paper>

          <Paper withBorder p="md" component="section" aria-labelledby="applicant-title">
            <Title order={2} size="h4" id="applicant-title" mb="sm">
              Người nộp hồ sơ
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Họ và tên" required value={applicant.fullName} onChange={(e) => setApplicant({ ...applicant, fullName: e.currentTarget.value })} error={errors.fullName ?? server['applicant.fullName']} maxLength={200} autoComplete="off" />
              <TextInput label="Số CCCD" required value={applicant.idNumber} onChange={(e) => setApplicant({ ...applicant, idNumber: e.currentTarget.value })} error={errors.idNumber ?? server['applicant.idNumber']} inputMode="numeric" maxLength={12} autoComplete="off" />
              <TextInput label="Số điện thoại" value={applicant.phone} onChange={(e) => setApplicant({ ...applicant, phone: e.currentTarget.value })} error={errors.phone ?? server['applicant.phone']} inputMode="tel" maxLength={12} autoComplete="off" />
              <TextInput label="Thư điện tử" value={applicant.email} onChange={(e) => setApplicant({ ...applicant, email: e.currentTarget.value })} error={errors.email ?? server['applicant.email']} maxLength={254} autoComplete="off" />
              <TextInput label="Địa chỉ" value={applicant.address} onChange={(e) => setApplicant({ ...applicant, address: e.currentTarget.value })} maxLength={500} autoComplete="off" />
              <Select
                label="Nhận kết quả"
                data={[
                  { value: 'counter', label: 'Tại Bộ phận Một cửa' },
                  ...(procedure?.onlineLevel === 'full' || !procedure ? [{ value: 'online', label: 'Trực tuyến (bản điện tử)' }] : []),
                ]}
                value={delivery}
                onChange={(v) => setDelivery((v as 'counter' | 'online') ?? 'counter')}
                allowDeselect={false}
                error={server.deliveryMethod}
              />
            </SimpleGrid>
          </Paper>

          <Paper withBorder p="md" component="section" aria-labelledby="docs-title">
            <Title order={2} size="h4" id="docs-title" mb="sm">
              Thành phần hồ sơ
            </Title>
            {!procedure && <Text size="sm">Chọn thủ tục để xem các giấy tờ phải nộp.</Text>}
            <Stack gap="sm">
              {procedure?.documents.map((d, i) => {
                const n = i + 1;
                const s = items[n] ?? {};
                const state = s.scan ? { label: 'Đã có bản quét', color: 'green' } : s.paper ? { label: 'Đã nhận bản giấy', color: 'green' } : s.waive ? { label: 'Được miễn', color: 'blue' } : d.required ? { label: 'Còn thiếu', color: 'red' } : { label: 'Không bắt buộc', color: 'gray' };
                return (
                  <Paper key={`${round}-${n}`} withBorder p="sm" data-item={n}>
                    <Group justify="space-between" align="flex-start" wrap="nowrap">
                      <Text size="sm" fw={500}>
                        {n}. {d.name}
                        {d.required ? '' : ' (không bắt buộc)'} — {d.copies} bản
                      </Text>
                      <Badge variant="light" color={state.color} style={{ flexShrink: 0, textTransform: 'none' }}>
                        {state.label}
                      </Badge>
                    </Group>
                    <Group align="flex-end" mt="xs" gap="md">
                      <FileInput
                        label={`Bản quét giấy tờ số ${n}`}
                        description="PDF, JPG, PNG hoặc TIFF"
                        clearButtonProps={{ 'aria-label': `Bỏ bản quét giấy tờ số ${n}` }}
                        accept="application/pdf,image/jpeg,image/png,image/tiff"
                        clearable
                        w={320}
                        onChange={(file) => {
                          if (!file) return setItem(n, { scan: undefined, uploadError: undefined });
                          setItem(n, { uploading: true, uploadError: undefined });
                          uploadScan(agencyEid!, file, d.name)
                            .then((scan) => setItem(n, { scan, uploading: false }))
                            .catch((err: unknown) => setItem(n, { scan: undefined, uploading: false, uploadError: err }));
                        }}
                        error={errors[`doc-${n}`]}
                        data-testid={`scan-${n}`}
                      />
                      <Checkbox label="Đã nhận bản giấy" checked={!!s.paper} onChange={(e) => setItem(n, { paper: e.currentTarget.checked })} mb={8} />
                      {d.required && !s.scan && !s.paper && <Checkbox label="Miễn giấy tờ này" checked={!!s.waive} onChange={(e) => setItem(n, { waive: e.currentTarget.checked })} mb={8} />}
                    </Group>
                    {s.uploading && (
                      <Text size="sm" role="status" mt={4}>
                        Đang tải lên…
                      </Text>
                    )}
                    {s.scan && (
                      <Text size="sm" role="status" mt={4} c="var(--mantine-color-green-light-color)" data-testid={`scan-done-${n}`}>
                        Đã tải lên: {s.scan.filename}
                      </Text>
                    )}
                    {s.uploadError !== undefined && <ProblemAlert error={s.uploadError} title="Chưa tải lên được" />}
                    {s.waive && d.required && !s.scan && !s.paper && (
                      <TextInput mt="xs" label={`Lý do miễn giấy tờ số ${n}`} required value={s.reason ?? ''} onChange={(e) => setItem(n, { reason: e.currentTarget.value })} error={errors[`reason-${n}`]} placeholder="Ví dụ: Đã đối chiếu bản chính tại quầy" />
                    )}
                  </Paper>
                );
              })}
            </Stack>
          </Paper>

          {submit.error && <ProblemAlert error={submit.error} testId="counter-error" />}
          {Object.keys(errors).length > 0 && (
            <Alert color="red" variant="light" title="Thông tin chưa đầy đủ" role="alert" id="counter-errors" tabIndex={-1}>
              Vui lòng sửa các mục được đánh dấu đỏ.
            </Alert>
          )}
          <Group justify="space-between">
            <Anchor component={Link} to={PATHS.worklist} size="sm">
              ← Danh sách hồ sơ
            </Anchor>
            <Button type="submit" size="md" loading={submit.isPending} disabled={submit.isPending}>
              Tiếp nhận
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/** POST /counter/dossiers with one Idempotency-Key per dossier being entered (a double click files one). */
function useSubmit(round: number) {
  const key = useIdempotencyKey();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      answer<Submitted>(
        (api.POST as unknown as (p: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)('/api/v1/counter/dossiers', {
          body,
          headers: { 'Idempotency-Key': `${key}-${round}` },
        }),
      ),
  });
}

import { ActionIcon, Alert, Badge, Button, Checkbox, Group, Loader, Modal, MultiSelect, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { dateTimeVn, dayVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { dmy } from '../../shared/vn-date-input';
import { VnDateInput } from '../../shared/VnDateInput';
import { adminGet, adminPost, fieldErrors, type CalendarSummary, type CalendarVersion, type Recomputation, type RecomputePreview } from './api';

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const KIND_LABEL = { day_off: 'Ngày nghỉ', working_day: 'Ngày làm việc (làm bù)' } as const;

/**
 * Lịch làm việc: the working calendars and their versions (holidays, make-up working days),
 * a new version, the preview of the open dossiers whose due dates it would move, the
 * recomputation itself (an explicit, confirmed decision) and its log. The calendar and version
 * shown live in the address (`?lich=…&phien-ban=…`).
 */
export function CalendarsPage() {
  usePageTitle('Lịch làm việc', 'Phần mềm một cửa');
  const [sp, setSp] = useSearchParams();
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => adminGet<{ items: CalendarSummary[] }>('/api/v1/calendars') });
  const code = sp.get('lich') ?? calendars.data?.items[0]?.code ?? null;
  const version = Number(sp.get('phien-ban')) || undefined;
  const choose = (c: string, v?: number) =>
    setSp(
      () => {
        const next = new URLSearchParams(window.location.search);
        next.set('lich', c);
        if (v) next.set('phien-ban', String(v));
        else next.delete('phien-ban');
        return next;
      },
      { replace: true },
    );

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Lịch làm việc
      </Title>
      {calendars.error ? <ProblemAlert error={calendars.error} /> : null}
      {calendars.isPending ? <Loader role="status" aria-label="Đang tải" /> : null}
      {calendars.data ? (
        <Table withTableBorder striped highlightOnHover fz="sm" data-testid="calendar-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Mã lịch</Table.Th>
              <Table.Th>Tên lịch</Table.Th>
              <Table.Th ta="right">Phiên bản mới nhất</Table.Th>
              <Table.Th>Lịch nền</Table.Th>
              <Table.Th>Phạm vi</Table.Th>
              <Table.Th ta="right">Số cơ quan</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {calendars.data.items.map((c) => (
              <Table.Tr key={c.code} bg={c.code === code ? 'var(--mantine-color-blue-light)' : undefined}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => choose(c.code)} aria-current={c.code === code ? 'true' : undefined}>
                    {c.code}
                  </Button>
                </Table.Td>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td ta="right">{c.latestVersion}</Table.Td>
                <Table.Td>{c.base ? `${c.base.code} (phiên bản ${c.base.version})` : '—'}</Table.Td>
                <Table.Td>{`${dmy(c.coverage.from)} – ${dmy(c.coverage.to)}`}</Table.Td>
                <Table.Td ta="right">{c.agencies}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {code ? <CalendarDetail key={code} code={code} version={version} choose={choose} /> : null}
    </Stack>
  );
}

function CalendarDetail({ code, version, choose }: { code: string; version?: number; choose: (c: string, v?: number) => void }) {
  const cal = useQuery({
    queryKey: ['calendar', code, version ?? 'latest'],
    queryFn: () => adminGet<CalendarVersion>(`/api/v1/calendars/${encodeURIComponent(code)}`, { version }),
  });
  const [newVersion, setNewVersion] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(false);
  const [showPast, setShowPast] = useState(false);
  const c = cal.data;
  if (cal.error) return <ProblemAlert error={cal.error} />;
  if (!c) return <Loader role="status" aria-label="Đang tải" />;
  const ownDays = c.days.filter((d) => d.source === c.code);
  // Past years are history: shown on request, so the list opens on the days still ahead.
  const thisYear = `${new Date().getFullYear()}-01-01`;
  const days = showPast ? c.days : c.days.filter((d) => d.day >= thisYear);
  return (
    <Stack gap="md" data-testid="calendar-detail">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h3">
            {c.name}
          </Title>
          <Text c="dimmed" size="sm">
            {`Mã ${c.code} · phạm vi ${dmy(c.coverage.from)} – ${dmy(c.coverage.to)}${c.base ? ` · dựa trên lịch ${c.base.code} phiên bản ${c.base.version}` : ''}`}
          </Text>
        </div>
        <Group align="flex-end">
          <Select
            label="Phiên bản"
            w={240}
            data={c.versions.map((v) => ({ value: String(v.version), label: `Phiên bản ${v.version}${v.version === c.latestVersion ? ' (mới nhất)' : ''}` }))}
            value={String(c.version)}
            onChange={(v) => choose(c.code, v && Number(v) !== c.latestVersion ? Number(v) : undefined)}
            allowDeselect={false}
          />
          <Button onClick={() => setNewVersion(true)}>Tạo phiên bản mới</Button>
          <Button variant="light" onClick={() => setPreviewOpen(true)}>
            Xem trước và tính lại hạn
          </Button>
        </Group>
      </Group>
      {c.version !== c.latestVersion ? (
        <Alert color="yellow" variant="light" title="Đang xem phiên bản cũ">
          {`Phiên bản mới nhất là ${c.latestVersion}. Các phiên bản không bao giờ bị sửa: hồ sơ đã tính hạn theo phiên bản này giữ nguyên.`}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <section>
          <Title order={3} size="h5" mb={4}>
            Giờ làm việc trong tuần
          </Title>
          <Table withTableBorder fz="sm" verticalSpacing={2}>
            <Table.Tbody>
              {[1, 2, 3, 4, 5, 6, 0].map((d) => (
                <Table.Tr key={d}>
                  <Table.Th scope="row" w={120}>
                    {WEEKDAYS[d]}
                  </Table.Th>
                  <Table.Td>{c.weeklyHours[String(d)]?.length ? c.weeklyHours[String(d)]!.map((p) => `${p.start}–${p.end}`).join(', ') : 'Nghỉ'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
        <section>
          <Title order={3} size="h5" mb={4}>
            Cơ quan dùng lịch này
          </Title>
          {c.agencies.length ? (
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {c.agencies.map((a) => (
                <li key={a.eid}>
                  <Text size="sm">{`${a.name} (${a.eid})`}</Text>
                </li>
              ))}
            </ul>
          ) : (
            <Text size="sm" c="dimmed">
              Chưa có cơ quan nào.
            </Text>
          )}
          <Text size="sm" mt="sm">
            {`Phiên bản ${c.version}: ${c.changeReason ?? '—'} (${c.createdBy?.fullName ?? 'hệ thống'}, ${dateTimeVn(c.createdAt)})`}
          </Text>
        </section>
      </SimpleGrid>

      <section>
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4">
            Ngày nghỉ và ngày làm bù
          </Title>
          <Checkbox label="Hiện cả các năm trước" checked={showPast} onChange={(e) => setShowPast(e.currentTarget.checked)} />
        </Group>
        <Table.ScrollContainer minWidth={700} mah={420}>
          <Table withTableBorder striped stickyHeader fz="sm" data-testid="calendar-days">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Ngày</Table.Th>
                <Table.Th>Loại</Table.Th>
                <Table.Th>Tên ngày</Table.Th>
                <Table.Th>Theo lịch</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.map((d) => (
                <Table.Tr key={d.day}>
                  <Table.Td>{dayVn(d.day)}</Table.Td>
                  <Table.Td>
                    <Badge tt="none" color={d.kind === 'day_off' ? 'red' : 'teal'} variant="light">
                      {KIND_LABEL[d.kind]}
                    </Badge>
                    {d.provisional ? (
                      <Text span size="xs" c="dimmed" ml={6}>
                        (dự kiến)
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{d.name}</Table.Td>
                  <Table.Td>{d.source === c.code ? 'Riêng của lịch này' : `Lịch nền ${d.source}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </section>

      <section>
        <Title order={3} size="h4" mb="xs">
          Các phiên bản
        </Title>
        <Table withTableBorder striped fz="sm" data-testid="calendar-versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th ta="right">Phiên bản</Table.Th>
              <Table.Th>Lý do thay đổi</Table.Th>
              <Table.Th>Người tạo</Table.Th>
              <Table.Th>Thời điểm</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.versions.map((v) => (
              <Table.Tr key={v.version}>
                <Table.Td ta="right">{v.version}</Table.Td>
                <Table.Td>{v.changeReason ?? '—'}</Table.Td>
                <Table.Td>{v.createdBy ?? 'hệ thống'}</Table.Td>
                <Table.Td>{dateTimeVn(v.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>

      <RecomputationLog code={c.code} />
      <NewVersionDialog calendar={c} ownDays={ownDays} opened={newVersion} onClose={() => setNewVersion(false)} onCreated={(v) => choose(c.code, v === c.latestVersion + 1 ? undefined : v)} />
      <RecomputeDialog code={c.code} latest={c.latestVersion} opened={previewOpen} onClose={() => setPreviewOpen(false)} />
    </Stack>
  );
}

// ------------------------------------------------------------------ new version

interface DayRow {
  key: number;
  day: string | null;
  kind: 'day_off' | 'working_day';
  name: string;
  provisional: boolean;
}

let rowKey = 0;
const emptyRow = (): DayRow => ({ key: ++rowKey, day: null, kind: 'day_off', name: '', provisional: false });

function NewVersionDialog({
  calendar,
  ownDays,
  opened,
  onClose,
  onCreated,
}: {
  calendar: CalendarVersion;
  ownDays: CalendarVersion['days'];
  opened: boolean;
  onClose: () => void;
  onCreated: (version: number) => void;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [rows, setRows] = useState<DayRow[]>([emptyRow()]);
  const [remove, setRemove] = useState<string[]>([]);
  const [coverageTo, setCoverageTo] = useState<string | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: unknown) => adminPost<CalendarVersion>(`/api/v1/calendars/${encodeURIComponent(calendar.code)}/versions`, body),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['calendars'] });
      await queryClient.invalidateQueries({ queryKey: ['calendar', calendar.code] });
      close();
      onCreated(created.version);
    },
    // A stale version (someone else wrote one meanwhile): read the calendar again.
    onError: () => queryClient.invalidateQueries({ queryKey: ['calendar', calendar.code] }),
  });
  const server = fieldErrors(create.error);
  const err = (field: string) => local[field] ?? server[field];

  function close() {
    setReason('');
    setRows([emptyRow()]);
    setRemove([]);
    setCoverageTo(null);
    setLocal({});
    create.reset();
    onClose();
  }

  function submit() {
    const errors: Record<string, string> = {};
    if (!reason.trim()) errors.reason = 'Vui lòng nhập lý do thay đổi.';
    const days = rows.filter((r) => r.day || r.name.trim());
    days.forEach((r) => {
      const i = rows.indexOf(r);
      if (!r.day) errors[`days[${i}].day`] = 'Vui lòng chọn ngày (dd/mm/yyyy).';
      if (!r.name.trim()) errors[`days[${i}].name`] = 'Vui lòng nhập tên ngày, ví dụ "Nghỉ bù Quốc khánh".';
    });
    if (!days.length && !remove.length && !coverageTo) errors.days = 'Phiên bản mới phải thay đổi ít nhất một điều: thêm ngày, bỏ ngày hoặc đổi phạm vi.';
    setLocal(errors);
    if (Object.keys(errors).length) return;
    create.mutate({
      basedOnVersion: calendar.latestVersion,
      reason: reason.trim(),
      ...(days.length ? { days: days.map((r) => ({ day: r.day, kind: r.kind, name: r.name.trim(), ...(r.provisional ? { provisional: true } : {}) })) } : {}),
      ...(remove.length ? { removeDays: remove } : {}),
      ...(coverageTo ? { coverageTo } : {}),
    });
  }

  // The API names rows by their place in what was sent: the rows left blank are not sent.
  const sentIndex = (r: DayRow) => rows.filter((x) => x.day || x.name.trim()).indexOf(r);
  const rowErr = (r: DayRow, field: string) => local[`days[${rows.indexOf(r)}].${field}`] ?? (sentIndex(r) >= 0 ? server[`days[${sentIndex(r)}].${field}`] : undefined);
  const generalServer = create.error && !Object.keys(server).length;

  return (
    <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={opened} onClose={close} title={`Tạo phiên bản mới của lịch ${calendar.code}`} size="xl">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{`Phiên bản ${calendar.latestVersion + 1} là bản sao của phiên bản ${calendar.latestVersion} với các thay đổi dưới đây. Hạn của hồ sơ đang giải quyết chỉ thay đổi khi quản trị viên quyết định tính lại.`}</Text>
          <Textarea label="Lý do thay đổi" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err('reason')} autosize minRows={2} data-autofocus />
          <Title order={3} size="h5">
            Thêm ngày nghỉ hoặc ngày làm bù
          </Title>
          {rows.map((r, i) => (
            <Group key={r.key} align="flex-start" gap="xs" wrap="nowrap" data-testid="day-row">
              <VnDateInput
                label={`Ngày (dòng ${i + 1})`}
                value={r.day}
                onChange={(v) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, day: v } : x)))}
                error={rowErr(r, 'day')}
                w={160}
              />
              <Select
                label={`Loại (dòng ${i + 1})`}
                data={[
                  { value: 'day_off', label: KIND_LABEL.day_off },
                  { value: 'working_day', label: KIND_LABEL.working_day },
                ]}
                value={r.kind}
                onChange={(v) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, kind: (v ?? 'day_off') as DayRow['kind'] } : x)))}
                allowDeselect={false}
                error={rowErr(r, 'kind')}
                w={210}
              />
              <TextInput
                label={`Tên ngày (dòng ${i + 1})`}
                placeholder="Ví dụ: Nghỉ bù Quốc khánh"
                value={r.name}
                onChange={(e) => {
                  const name = e.currentTarget.value;
                  setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, name } : x)));
                }}
                error={rowErr(r, 'name')}
                style={{ flex: 1 }}
              />
              <Checkbox
                label="Dự kiến"
                mt={32}
                checked={r.provisional}
                onChange={(e) => {
                  const provisional = e.currentTarget.checked;
                  setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, provisional } : x)));
                }}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mt={28}
                size="lg"
                aria-label={`Bỏ dòng ${i + 1}`}
                onClick={() => setRows((rs) => (rs.length > 1 ? rs.filter((x) => x.key !== r.key) : [emptyRow()]))}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="default" size="xs" onClick={() => setRows((rs) => [...rs, emptyRow()])}>
              Thêm dòng
            </Button>
          </Group>
          {err('days') ? (
            <Text c="red.8" size="sm" role="alert">
              {err('days')}
            </Text>
          ) : null}
          {ownDays.length ? (
            <MultiSelect
              label="Bỏ ngày riêng của lịch này"
              description="Các ngày đã khai báo riêng cho lịch này"
              data={ownDays.map((d) => ({ value: d.day, label: `${dmy(d.day)} — ${d.name}` }))}
              value={remove}
              onChange={setRemove}
              error={Object.entries(server).find(([k]) => k.startsWith('removeDays'))?.[1]}
              clearable
            />
          ) : null}
          <VnDateInput
            label="Kéo dài phạm vi đến ngày"
            description={`Hiện tại: đến ${dmy(calendar.coverage.to)}; để trống nếu không đổi`}
            value={coverageTo}
            onChange={setCoverageTo}
            error={err('coverageTo')}
            clearable
            clearButtonProps={{ 'aria-label': 'Xóa ngày kết thúc phạm vi' }}
            w={340}
          />
          {generalServer || (create.error && Object.keys(server).some((k) => !/^(reason|days|removeDays|coverageTo)/.test(k))) ? <ProblemAlert error={create.error} /> : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Hủy
            </Button>
            <Button type="submit" loading={create.isPending}>
              Tạo phiên bản
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// ------------------------------------------------------------------ recompute

function RecomputeDialog({ code, latest, opened, onClose }: { code: string; latest: number; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: ['recompute-preview', code, latest],
    queryFn: () => adminPost<RecomputePreview>(`/api/v1/calendars/${encodeURIComponent(code)}/recompute-preview`, { version: latest }),
    enabled: opened,
    staleTime: 0,
  });
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: () =>
      adminPost<Recomputation>(`/api/v1/calendars/${encodeURIComponent(code)}/recompute`, {
        version: latest,
        reason: reason.trim(),
        dossierCodes: preview.data!.dossiers.filter((d) => d.changed).map((d) => d.code),
      }),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['recomputations', code] }), queryClient.invalidateQueries({ queryKey: ['recompute-preview', code] })]),
  });
  const close = () => {
    setConfirming(false);
    setReason('');
    setReasonError(null);
    run.reset();
    onClose();
  };
  const p = preview.data;
  const changed = p?.dossiers.filter((d) => d.changed) ?? [];

  return (
    <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={opened} onClose={close} title={`Tính lại hạn theo lịch ${code} phiên bản ${latest}`} size="xl">
      <Stack gap="sm">
        {preview.error ? <ProblemAlert error={preview.error} /> : null}
        {preview.isPending ? <Loader role="status" aria-label="Đang tải" /> : null}
        {p && !run.data ? (
          <>
            <Text data-testid="preview-summary">{`${p.count} hồ sơ đang giải quyết đang tính hạn theo phiên bản cũ hơn; ${p.changed} hồ sơ sẽ đổi hạn giải quyết.`}</Text>
            {p.dossiers.length ? (
              <Table.ScrollContainer minWidth={700}>
                <Table withTableBorder striped fz="sm" data-testid="preview-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Mã hồ sơ</Table.Th>
                      <Table.Th ta="right">Phiên bản đang dùng</Table.Th>
                      <Table.Th>Hạn hiện tại</Table.Th>
                      <Table.Th>Hạn mới</Table.Th>
                      <Table.Th>Ghi chú</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {p.dossiers.map((d) => (
                      <Table.Tr key={d.code}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{d.code}</Table.Td>
                        <Table.Td ta="right">{d.fromVersion}</Table.Td>
                        <Table.Td>{dateTimeVn(d.oldDueAt)}</Table.Td>
                        <Table.Td fw={d.changed ? 700 : undefined}>{d.newDueAt ? dateTimeVn(d.newDueAt) : '—'}</Table.Td>
                        <Table.Td>{d.note ?? (d.changed ? 'Sẽ đổi hạn' : 'Không đổi')}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            ) : null}
            {confirming ? (
              <form
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!reason.trim()) return setReasonError('Vui lòng nhập lý do tính lại.');
                  setReasonError(null);
                  run.mutate();
                }}
              >
                <Stack gap="sm">
                  <Alert color="orange" variant="light" title="Xác nhận tính lại hạn">
                    {`Hạn giải quyết của ${changed.length} hồ sơ sẽ được tính lại theo phiên bản ${latest}. Việc này được ghi vào nhật ký và không tự hoàn tác.`}
                  </Alert>
                  <Textarea label="Lý do tính lại" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={reasonError} autosize minRows={2} data-autofocus />
                  {run.error ? <ProblemAlert error={run.error} /> : null}
                  <Group justify="flex-end">
                    <Button variant="default" onClick={() => setConfirming(false)}>
                      Quay lại
                    </Button>
                    <Button type="submit" loading={run.isPending}>
                      Xác nhận tính lại
                    </Button>
                  </Group>
                </Stack>
              </form>
            ) : (
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Đóng
                </Button>
                <Button disabled={!changed.length} onClick={() => setConfirming(true)}>
                  {`Tính lại hạn ${changed.length} hồ sơ`}
                </Button>
              </Group>
            )}
          </>
        ) : null}
        {run.data ? (
          <>
            <Alert color="teal" variant="light" title="Đã tính lại" role="status" data-testid="recompute-done">
              {`${run.data.dossiers.filter((d) => d.applied).length}/${run.data.dossiers.length} hồ sơ đã đổi hạn theo phiên bản ${run.data.calendar.version}.`}
            </Alert>
            <OutcomeTable dossiers={run.data.dossiers} />
            <Group justify="flex-end">
              <Button onClick={close}>Đóng</Button>
            </Group>
          </>
        ) : null}
      </Stack>
    </Modal>
  );
}

function OutcomeTable({ dossiers }: { dossiers: Recomputation['dossiers'] }) {
  return (
    <Table withTableBorder striped fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Mã hồ sơ</Table.Th>
          <Table.Th>Hạn cũ</Table.Th>
          <Table.Th>Hạn mới</Table.Th>
          <Table.Th>Kết quả</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {dossiers.map((d) => (
          <Table.Tr key={d.code}>
            <Table.Td>{d.code}</Table.Td>
            <Table.Td>{dateTimeVn(d.oldDueAt)}</Table.Td>
            <Table.Td>{dateTimeVn(d.newDueAt)}</Table.Td>
            <Table.Td>{d.applied ? 'Đã áp dụng' : `Không áp dụng được: ${d.error ?? ''}`}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RecomputationLog({ code }: { code: string }) {
  const log = useQuery({ queryKey: ['recomputations', code], queryFn: () => adminGet<{ items: Recomputation[] }>(`/api/v1/calendars/${encodeURIComponent(code)}/recomputations`) });
  return (
    <section data-testid="recompute-log">
      <Title order={3} size="h4" mb="xs">
        Nhật ký tính lại hạn
      </Title>
      {log.error ? <ProblemAlert error={log.error} /> : null}
      {log.data && !log.data.items.length ? (
        <Text size="sm" c="dimmed">
          Chưa lần nào tính lại hạn theo lịch này.
        </Text>
      ) : null}
      {log.data?.items.length ? (
        <Table withTableBorder striped fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Thời điểm</Table.Th>
              <Table.Th ta="right">Đến phiên bản</Table.Th>
              <Table.Th>Người quyết định</Table.Th>
              <Table.Th>Lý do</Table.Th>
              <Table.Th>Hồ sơ</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {log.data.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{dateTimeVn(r.createdAt)}</Table.Td>
                <Table.Td ta="right">{r.calendar.version}</Table.Td>
                <Table.Td>{r.requestedBy.username}</Table.Td>
                <Table.Td>{r.reason}</Table.Td>
                <Table.Td>
                  {r.dossiers.map((d) => (
                    <Text key={d.code} size="xs">
                      {`${d.code}: ${dateTimeVn(d.oldDueAt)} → ${dateTimeVn(d.newDueAt)}${d.applied ? '' : ` (không áp dụng được${d.error ? `: ${d.error}` : ''})`}`}
                    </Text>
                  ))}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </section>
  );
}

import { Alert, Button, Checkbox, Code, ColorSwatch, CopyButton, Group, Loader, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { adminDelete, adminGet, adminPatch, adminPost, fieldErrors, type Delivery, type DeliveryStatus, type PingResult, type Subscription } from './api';

const EVENT_LABEL: Record<string, string> = {
  '*': 'Tất cả sự kiện (kể cả loại thêm sau này)',
  'dossier.status_changed': 'Hồ sơ chuyển trạng thái',
};

const STATUS: Record<DeliveryStatus, { label: string; color: string }> = {
  pending: { label: 'Chờ gửi', color: 'gray' },
  delivered: { label: 'Đã gửi', color: 'teal' },
  failed: { label: 'Lỗi, sẽ gửi lại', color: 'orange' },
  dead: { label: 'Gửi không thành công', color: 'red' },
};

const SUBS = ['webhook-subscriptions'];

/** A state in words, with its colour as a dot beside them (the words carry it; the dot only helps to scan). */
function StatusText({ color, label, testId }: { color: string; label: string; testId?: string }) {
  return (
    <Group gap={6} wrap="nowrap" data-testid={testId}>
      <ColorSwatch component="span" aria-hidden color={`var(--mantine-color-${color}-filled)`} size={10} withShadow={false} />
      <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
        {label}
      </Text>
    </Group>
  );
}
const DELIVERIES = ['webhook-deliveries'];

/**
 * Kết nối (webhook): where dossier events are sent. Subscriptions (create with event types,
 * pause and resume, a new secret shown once, a test ping, delete after confirming), the
 * delivery log with each attempt, and replaying a delivery. The delivery filters live in the
 * address (`?dang-ky=…&trang-thai=…`).
 */
export function WebhooksPage() {
  usePageTitle('Kết nối (webhook)', 'Phần mềm một cửa');
  const queryClient = useQueryClient();
  const subs = useQuery({ queryKey: SUBS, queryFn: () => adminGet<{ items: Subscription[] }>('/api/v1/webhooks/subscriptions') });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string; rotated: boolean } | null>(null);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const [ping, setPing] = useState<{ name: string; result: PingResult } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: SUBS }), queryClient.invalidateQueries({ queryKey: DELIVERIES })]);

  const toggle = useMutation({
    mutationFn: (s: Subscription) => adminPatch<Subscription>(`/api/v1/webhooks/subscriptions/${s.id}`, { active: !s.active }),
    onMutate: () => setActionError(null),
    onError: setActionError,
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: (s: Subscription) => adminPost<Subscription & { secret: string }>(`/api/v1/webhooks/subscriptions/${s.id}/rotate-secret`),
    onMutate: () => setActionError(null),
    onSuccess: (r) => setSecret({ name: r.name, secret: r.secret, rotated: true }),
    onError: setActionError,
  });
  const pinger = useMutation({
    mutationFn: async (s: Subscription) => ({ name: s.name, result: await adminPost<PingResult>(`/api/v1/webhooks/subscriptions/${s.id}/ping`) }),
    onMutate: () => {
      setActionError(null);
      setPing(null);
    },
    onSuccess: setPing,
    onError: setActionError,
  });

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Kết nối (webhook)
        </Title>
        <Button onClick={() => setCreating(true)}>Thêm đăng ký nhận</Button>
      </Group>
      <Text size="sm" maw={900}>
        Mỗi đăng ký nhận là một địa chỉ của hệ thống khác (ví dụ Cổng Dịch vụ công quốc gia) mà hệ thống gửi thông báo đến khi hồ sơ thay đổi trạng thái, có chữ ký HMAC-SHA256 bằng khóa bí mật của đăng ký.
      </Text>
      {actionError ? <ProblemAlert error={actionError} /> : null}
      {ping ? (
        <Alert color={ping.result.delivered ? 'teal' : 'red'} variant="light" title={`Gửi thử đến "${ping.name}"`} role="status" withCloseButton closeButtonLabel="Đóng thông báo" onClose={() => setPing(null)} data-testid="ping-result">
          {ping.result.delivered
            ? `Thành công: máy nhận trả lời HTTP ${ping.result.statusCode} sau ${ping.result.durationMs} ms.`
            : `Không thành công${ping.result.statusCode ? ` (HTTP ${ping.result.statusCode})` : ''}: ${ping.result.error ?? 'không rõ lỗi'}.`}
        </Alert>
      ) : null}

      <section>
        <Title order={2} size="h4" mb="xs">
          Đăng ký nhận
        </Title>
        {subs.error ? <ProblemAlert error={subs.error} /> : null}
        {subs.isPending ? <Loader role="status" aria-label="Đang tải" /> : null}
        {subs.data && !subs.data.items.length ? <Text c="dimmed">Chưa có đăng ký nhận nào.</Text> : null}
        {subs.data?.items.length ? (
          <Table.ScrollContainer minWidth={1000}>
            <Table withTableBorder striped fz="sm" data-testid="subscriptions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Tên</Table.Th>
                  <Table.Th>Địa chỉ nhận</Table.Th>
                  <Table.Th>Sự kiện</Table.Th>
                  <Table.Th>Cơ quan</Table.Th>
                  <Table.Th>Trạng thái</Table.Th>
                  <Table.Th>Thao tác</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {subs.data.items.map((s) => (
                  <Table.Tr key={s.id} data-id={s.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {s.name}
                      </Text>
                      <Text size="xs" c="dimmed">{`Tạo ${dateTimeVn(s.createdAt)}${s.createdBy ? ` bởi ${s.createdBy}` : ''}`}</Text>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{s.url}</Table.Td>
                    <Table.Td>{s.events.map((e) => EVENT_LABEL[e] ?? e).join('; ')}</Table.Td>
                    <Table.Td>{s.agencyEid ?? 'Mọi cơ quan'}</Table.Td>
                    <Table.Td>
                      <StatusText color={s.active ? 'teal' : 'gray'} label={s.active ? 'Đang hoạt động' : 'Tạm dừng'} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="wrap">
                        <Button size="compact-sm" variant="default" onClick={() => toggle.mutate(s)} loading={toggle.isPending && toggle.variables?.id === s.id} aria-label={`${s.active ? 'Tạm dừng' : 'Tiếp tục'} ${s.name}`}>
                          {s.active ? 'Tạm dừng' : 'Tiếp tục'}
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => pinger.mutate(s)} loading={pinger.isPending && pinger.variables?.id === s.id} aria-label={`Gửi thử ${s.name}`}>
                          Gửi thử
                        </Button>
                        <Button size="compact-sm" variant="default" onClick={() => rotate.mutate(s)} loading={rotate.isPending && rotate.variables?.id === s.id} aria-label={`Đổi khóa bí mật ${s.name}`}>
                          Đổi khóa bí mật
                        </Button>
                        <Button size="compact-sm" variant="light" color="red" onClick={() => setDeleting(s)} aria-label={`Xóa ${s.name}`}>
                          Xóa
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </section>

      <Deliveries subscriptions={subs.data?.items ?? []} />

      <CreateDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setSecret({ name: s.name, secret: s.secret, rotated: false });
          void refresh();
        }}
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
      <DeleteDialog subscription={deleting} onClose={() => setDeleting(null)} onDeleted={() => void refresh()} />
    </Stack>
  );
}

function CreateDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (s: Subscription & { secret: string }) => void }) {
  const types = useQuery({ queryKey: ['webhook-event-types'], queryFn: () => adminGet<{ items: string[] }>('/api/v1/webhooks/event-types'), enabled: opened, staleTime: Infinity });
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [agencyEid, setAgencyEid] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      adminPost<Subscription & { secret: string }>('/api/v1/webhooks/subscriptions', { name: name.trim(), url: url.trim(), events, ...(agencyEid.trim() ? { agencyEid: agencyEid.trim() } : {}) }),
    onSuccess: (s) => {
      reset();
      onCreated(s);
    },
  });
  const server = fieldErrors(create.error);
  const err = (f: string) => local[f] ?? server[f];
  function reset() {
    setName('');
    setUrl('');
    setEvents(['*']);
    setAgencyEid('');
    setLocal({});
    create.reset();
  }
  const close = () => {
    reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={opened} onClose={close} title="Thêm đăng ký nhận webhook" size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const errors: Record<string, string> = {};
          if (!name.trim()) errors.name = 'Vui lòng nhập tên đăng ký.';
          if (!/^https?:\/\/\S+$/i.test(url.trim())) errors.url = 'Vui lòng nhập địa chỉ http:// hoặc https:// hợp lệ.';
          if (!events.length) errors.events = 'Vui lòng chọn ít nhất một loại sự kiện.';
          if (agencyEid.trim() && !/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/.test(agencyEid.trim())) errors.agencyEid = 'Mã định danh cơ quan không đúng định dạng (ví dụ 000.20.20.H29).';
          setLocal(errors);
          if (!Object.keys(errors).length) create.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput label="Tên" description="Ai nhận, ví dụ: Cổng Dịch vụ công quốc gia – đồng bộ trạng thái" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={err('name')} data-autofocus />
          <TextInput label="Địa chỉ nhận (URL)" placeholder="https://" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={err('url')} />
          <Checkbox.Group label="Loại sự kiện" required value={events} onChange={setEvents} error={err('events')}>
            <Stack gap={6} mt={6}>
              {(types.data?.items ?? ['*', 'dossier.status_changed']).map((t) => (
                <Checkbox key={t} value={t} label={EVENT_LABEL[t] ?? t} />
              ))}
            </Stack>
          </Checkbox.Group>
          <TextInput label="Chỉ hồ sơ của cơ quan (mã định danh)" description="Để trống: hồ sơ của mọi cơ quan" placeholder="000.20.20.H29" value={agencyEid} onChange={(e) => setAgencyEid(e.currentTarget.value)} error={err('agencyEid')} />
          {create.error && !Object.keys(server).length ? <ProblemAlert error={create.error} /> : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Hủy
            </Button>
            <Button type="submit" loading={create.isPending}>
              Tạo đăng ký
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The secret, shown this once: the API never shows it again. */
function SecretDialog({ secret, onClose }: { secret: { name: string; secret: string; rotated: boolean } | null; onClose: () => void }) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={!!secret} onClose={onClose} title={secret?.rotated ? 'Khóa bí mật mới' : 'Đã tạo đăng ký nhận'} size="lg">
      {secret ? (
        <Stack gap="sm">
          <Alert color="orange" variant="light" title="Chỉ hiển thị một lần">
            {`Hãy lưu khóa bí mật của "${secret.name}" ngay bây giờ và cấu hình cho hệ thống nhận để kiểm tra chữ ký X-Dossier-Signature. Sau khi đóng hộp thoại này, khóa không được hiển thị lại.`}
          </Alert>
          <Code block data-testid="webhook-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret.secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret.secret}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Đã sao chép' : 'Sao chép khóa'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose} data-autofocus>
              Tôi đã lưu khóa, đóng
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

function DeleteDialog({ subscription, onClose, onDeleted }: { subscription: Subscription | null; onClose: () => void; onDeleted: () => void }) {
  const del = useMutation({
    mutationFn: (s: Subscription) => adminDelete(`/api/v1/webhooks/subscriptions/${s.id}`),
    onSuccess: () => {
      del.reset();
      onDeleted();
      onClose();
    },
  });
  const close = () => {
    del.reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={!!subscription} onClose={close} title="Xóa đăng ký nhận?">
      {subscription ? (
        <Stack gap="sm">
          <Text>{`Hệ thống sẽ ngừng gửi đến "${subscription.name}" (${subscription.url}). Việc xóa không hoàn tác được; muốn ngừng tạm thời, hãy chọn Tạm dừng.`}</Text>
          {del.error ? <ProblemAlert error={del.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Hủy
            </Button>
            <Button color="red" loading={del.isPending} onClick={() => del.mutate(subscription)}>
              Xóa đăng ký
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

// ------------------------------------------------------------------ deliveries

function Deliveries({ subscriptions }: { subscriptions: Subscription[] }) {
  const queryClient = useQueryClient();
  const [sp, setSp] = useSearchParams();
  const subscription = sp.get('dang-ky') ?? '';
  const status = sp.get('trang-thai') ?? '';
  const setFilter = (key: string, value: string | null) =>
    setSp(
      () => {
        const next = new URLSearchParams(window.location.search);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const list = useInfiniteQuery({
    queryKey: [...DELIVERIES, subscription, status],
    queryFn: ({ pageParam }) => adminGet<{ items: Delivery[]; nextBefore: number | null }>('/api/v1/webhooks/deliveries', { subscription, status, limit: 50, before: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    staleTime: 0,
  });
  const [attemptsOf, setAttemptsOf] = useState<Delivery | null>(null);
  const [replayed, setReplayed] = useState<Delivery | null>(null);
  const replay = useMutation({
    mutationFn: (d: Delivery) => adminPost<Delivery>(`/api/v1/webhooks/deliveries/${d.id}/replay`),
    onMutate: () => setReplayed(null),
    onSuccess: setReplayed,
    onSettled: () => queryClient.invalidateQueries({ queryKey: DELIVERIES }),
  });
  const names = new Map(subscriptions.map((s) => [s.id, s.name]));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section>
      <Group justify="space-between" align="flex-end" mb="xs">
        <Title order={2} size="h4">
          Lượt gửi
        </Title>
        <Group align="flex-end">
          <Select
            label="Đăng ký nhận"
            w={260}
            data={[{ value: '', label: 'Tất cả' }, ...subscriptions.map((s) => ({ value: String(s.id), label: s.name }))]}
            value={subscription}
            onChange={(v) => setFilter('dang-ky', v)}
            allowDeselect={false}
          />
          <Select
            label="Trạng thái"
            w={200}
            data={[{ value: '', label: 'Tất cả' }, ...Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))]}
            value={status}
            onChange={(v) => setFilter('trang-thai', v)}
            allowDeselect={false}
          />
          <Button variant="default" onClick={() => void list.refetch()} loading={list.isRefetching}>
            Làm mới
          </Button>
        </Group>
      </Group>
      {replay.error ? <ProblemAlert error={replay.error} title="Không gửi lại được" /> : null}
      {replayed ? (
        <Alert color="teal" variant="light" role="status" title="Đã xếp lượt gửi lại" data-testid="replay-result" withCloseButton closeButtonLabel="Đóng thông báo" onClose={() => setReplayed(null)}>
          {`Lượt gửi #${replayed.id} sẽ được gửi lại ngay (trạng thái: ${STATUS[replayed.status].label}).`}
        </Alert>
      ) : null}
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {list.isPending ? <Loader role="status" aria-label="Đang tải" /> : null}
      {list.data && !items.length ? <Text c="dimmed">Chưa có lượt gửi nào.</Text> : null}
      {items.length ? (
        <Table.ScrollContainer minWidth={1000}>
          <Table withTableBorder striped fz="sm" data-testid="deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right">Số</Table.Th>
                <Table.Th>Đăng ký nhận</Table.Th>
                <Table.Th>Sự kiện</Table.Th>
                <Table.Th>Hồ sơ</Table.Th>
                <Table.Th>Trạng thái</Table.Th>
                <Table.Th ta="right">Số lần gửi</Table.Th>
                <Table.Th>Kết quả lần cuối</Table.Th>
                <Table.Th>Thời điểm</Table.Th>
                <Table.Th>Thao tác</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id} data-id={d.id}>
                  <Table.Td ta="right">{d.id}</Table.Td>
                  <Table.Td>{names.get(d.subscriptionId) ?? `#${d.subscriptionId}`}</Table.Td>
                  <Table.Td>{EVENT_LABEL[d.eventType] ?? d.eventType}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{d.dossierCode ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusText color={STATUS[d.status].color} label={STATUS[d.status].label} testId="delivery-status" />
                  </Table.Td>
                  <Table.Td ta="right">{d.attemptCount}</Table.Td>
                  <Table.Td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</Table.Td>
                  <Table.Td>{dateTimeVn(d.deliveredAt ?? d.createdAt)}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Button size="compact-sm" variant="default" onClick={() => setAttemptsOf(d)} aria-label={`Các lần gửi của lượt ${d.id}`}>
                        Các lần gửi
                      </Button>
                      <Button size="compact-sm" variant="light" onClick={() => replay.mutate(d)} loading={replay.isPending && replay.variables?.id === d.id} aria-label={`Gửi lại lượt ${d.id}`}>
                        Gửi lại
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {list.hasNextPage ? (
        <Button variant="default" mt="sm" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          Xem thêm
        </Button>
      ) : null}
      <Modal closeButtonProps={{ 'aria-label': 'Đóng' }} opened={!!attemptsOf} onClose={() => setAttemptsOf(null)} title={attemptsOf ? `Các lần gửi của lượt ${attemptsOf.id}` : ''} size="lg">
        {attemptsOf ? (
          attemptsOf.attempts.length ? (
            <Table withTableBorder striped fz="sm" data-testid="attempts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ta="right">Lần</Table.Th>
                  <Table.Th>Thời điểm</Table.Th>
                  <Table.Th>Kết quả</Table.Th>
                  <Table.Th ta="right">Thời gian</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {attemptsOf.attempts.map((a) => (
                  <Table.Tr key={a.attempt}>
                    <Table.Td ta="right">{a.attempt}</Table.Td>
                    <Table.Td>{dateTimeVn(a.at)}</Table.Td>
                    <Table.Td>{a.statusCode ? `HTTP ${a.statusCode}` : ''}{a.error ? ` ${a.error}` : ''}</Table.Td>
                    <Table.Td ta="right">{a.durationMs === null ? '—' : `${a.durationMs} ms`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : (
            <Text>Chưa gửi lần nào.</Text>
          )
        ) : null}
      </Modal>
    </section>
  );
}

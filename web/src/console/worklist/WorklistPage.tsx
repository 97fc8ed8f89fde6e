import { Anchor, Badge, Button, Group, Loader, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { CHANNEL_LABEL, dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { VnDateInput } from '../../shared/VnDateInput';
import { useProcedures } from '../../portal/queries';
import { PATHS } from '../paths';
import { useSession, type OfficerRole } from '../session';
import { useLiveQueue, useWorklist, type WorklistPage as Page, type WorklistRow } from './api';
import { DUE_COLOR, dueWords } from './due';
import { apiQuery, hasFilters, URL_PARAM, withParam, type QueueKey } from './params';
import { useSavedSearches } from './saved';
import { STATUS_OPTIONS } from './statuses';
import classes from './WorklistPage.module.css';

/** The queues each role works from, in the order of their day (the API counts every queue). */
const ROLE_QUEUES: Array<{ role: OfficerRole; queues: QueueKey[] }> = [
  { role: 'one_stop_officer', queues: ['awaiting_intake', 'supplements_received', 'results_to_hand_over', 'returned_by_post'] },
  { role: 'specialist', queues: ['awaiting_assignment', 'in_review'] },
  { role: 'leader', queues: ['awaiting_decision', 'awaiting_assignment'] },
];

const CHANNEL_OPTIONS = Object.entries(CHANNEL_LABEL).map(([value, label]) => ({ value, label }));
const ASSIGNEE_OPTIONS = [
  { value: 'toi', label: 'Giao cho tôi' },
  { value: 'chua-giao', label: 'Chưa phân công' },
];
const SORT_OPTIONS = [
  { value: 'due', label: 'Hạn xử lý' },
  { value: 'received', label: 'Ngày tiếp nhận' },
  { value: 'submitted', label: 'Ngày nộp' },
  { value: 'code', label: 'Mã hồ sơ' },
];
/** The date filters, kept in the address as calendar days (YYYY-MM-DD), shown dd/mm/yyyy. */
const DATE_FILTERS = [
  { key: 'receivedFrom', label: 'Tiếp nhận từ ngày' },
  { key: 'receivedTo', label: 'Tiếp nhận đến ngày' },
  { key: 'dueFrom', label: 'Hạn xử lý từ ngày' },
  { key: 'dueTo', label: 'Hạn xử lý đến ngày' },
] as const;
/** A hand-edited address may hold anything; the field shows only a real calendar day. */
const isoDay = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
const ORDER_OPTIONS = [
  { value: 'asc', label: 'Sớm trước' },
  { value: 'desc', label: 'Muộn trước' },
];

/**
 * Hồ sơ: every staff role's worklist (GET /api/v1/dossiers). Queues with their counts, filters
 * and the search in the address (a reload or a shared link shows the same list), saved
 * searches, pages ("Tải thêm"), due dates coloured and in words; live: another officer's
 * action shows without a reload (server-sent events). `/` puts the cursor in the search box.
 */
export function WorklistPage() {
  usePageTitle('Hồ sơ', 'Phần mềm một cửa');
  const { me, has } = useSession();
  const [search, setSearch] = useSearchParams();
  const query = useMemo(() => apiQuery(search), [search]);
  const list = useWorklist(query);
  const live = useLiveQueue();
  const procedures = useProcedures();
  const navigate = useNavigate();
  const searchBox = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(search.get(URL_PARAM.q) ?? '');
  const saved = useSavedSearches(me.username);
  const [saving, setSaving] = useState(false);

  // The box follows the address (back, a saved search); typing updates the address after a pause.
  const urlText = search.get(URL_PARAM.q) ?? '';
  const [seenText, setSeenText] = useState(urlText);
  if (seenText !== urlText) {
    setSeenText(urlText);
    if (text.trim() !== urlText) setText(urlText);
  }
  useEffect(() => {
    if (text.trim() === urlText) return;
    const t = setTimeout(() => setSearch((s) => withParam(s, 'q', text.trim()), { replace: true }), 400);
    return () => clearTimeout(t);
  }, [text, urlText, setSearch]);

  // `/` focuses the search box, unless the officer is typing somewhere already.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      searchBox.current?.focus();
      searchBox.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const set = (key: Parameters<typeof withParam>[1], value: string | null) => setSearch((s) => withParam(s, key, value));
  const first: Page | undefined = list.data?.pages[0];
  const rows: WorklistRow[] = list.data?.pages.flatMap((p) => p.dossiers) ?? [];
  const queueKeys = [...new Set(ROLE_QUEUES.filter((r) => has(r.role)).flatMap((r) => r.queues))];
  const counts = new Map(first?.queues.map((q) => [q.key, q]) ?? []);
  const currentQueue = search.get(URL_PARAM.queue);
  const mine = search.get(URL_PARAM.assignee) === 'toi';
  const queueLink = (queue: string | null, assignee?: string) => {
    const next = new URLSearchParams();
    if (queue) next.set(URL_PARAM.queue, queue);
    if (assignee) next.set(URL_PARAM.assignee, assignee);
    return `?${next.toString()}`;
  };
  const selectedSaved = saved.list.find((s) => s.query === search.toString())?.name ?? null;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Hồ sơ
        </Title>
        <Text size="sm" role="status" c={live === 'live' ? 'var(--mantine-color-green-light-color)' : 'dimmed'} data-testid="live-state">
          {live === 'live' ? '● Cập nhật trực tiếp' : live === 'connecting' ? 'Đang kết nối cập nhật trực tiếp…' : 'Mất kết nối cập nhật trực tiếp, đang thử lại…'}
        </Text>
      </Group>

      <nav aria-label="Hàng đợi hồ sơ">
        <Group gap="xs" className={classes.queues}>
          <Button component={Link} to={queueLink(null)} size="sm" variant={!currentQueue && !mine ? 'filled' : 'default'} aria-current={!currentQueue && !mine ? 'page' : undefined}>
            Tất cả
          </Button>
          {has('specialist') && (
            <Button component={Link} to={queueLink(null, 'toi')} size="sm" variant={mine && !currentQueue ? 'filled' : 'default'} aria-current={mine && !currentQueue ? 'page' : undefined} data-queue="mine">
              Của tôi
              <Badge ml={6} size="sm" variant="white" color="dark" className={classes.count}>
                {first ? first.queues.reduce((n, q) => n + q.mine, 0) : '…'}
              </Badge>
            </Button>
          )}
          {queueKeys.map((key) => {
            const q = counts.get(key);
            const current = currentQueue === key;
            return (
              <Button key={key} component={Link} to={queueLink(key)} size="sm" variant={current ? 'filled' : 'default'} aria-current={current ? 'page' : undefined} data-queue={key}>
                {q?.label ?? key}
                <Badge ml={6} size="sm" variant="white" color="dark" className={classes.count} data-testid={`count-${key}`}>
                  {q ? q.count : '…'}
                </Badge>
              </Button>
            );
          })}
        </Group>
      </nav>

      <Paper withBorder p="sm" component="section" aria-label="Tìm kiếm và lọc">
        <form
          role="search"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            set('q', text.trim());
          }}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput
              ref={searchBox}
              className={classes.search}
              label="Tìm kiếm (phím /)"
              placeholder="Mã hồ sơ, số CCCD hoặc họ tên (không cần dấu)"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              type="search"
              data-testid="worklist-search"
            />
            <Select
              label="Bộ lọc đã lưu"
              placeholder={saved.list.length ? 'Chọn bộ lọc' : 'Chưa có bộ lọc nào'}
              data={saved.list.map((s) => s.name)}
              value={selectedSaved}
              onChange={(name) => {
                const s = saved.list.find((x) => x.name === name);
                if (s) setSearch(new URLSearchParams(s.query));
              }}
              disabled={!saved.list.length}
              w={240}
              data-testid="saved-searches"
            />
            <Button variant="light" onClick={() => setSaving(true)}>
              Lưu bộ lọc này
            </Button>
            {selectedSaved && (
              <Button variant="light" color="red" onClick={() => saved.remove(selectedSaved)}>
                Xóa bộ lọc “{selectedSaved}”
              </Button>
            )}
          </Group>
          <Group align="flex-end" gap="sm" wrap="wrap" mt="sm">
            <Select label="Trạng thái" placeholder="Tất cả" data={STATUS_OPTIONS} value={search.get(URL_PARAM.status)} onChange={(v) => set('status', v)} clearable searchable w={240} comboboxProps={{ width: 360, position: 'bottom-start' }} />
            <Select
              label="Thủ tục"
              placeholder="Tất cả"
              data={(procedures.data ?? []).map((p) => ({ value: p.code, label: p.name }))}
              value={search.get(URL_PARAM.procedure)}
              onChange={(v) => set('procedure', v)}
              clearable
              searchable
              w={280}
              comboboxProps={{ width: 420, position: 'bottom-start' }}
            />
            <Select label="Người xử lý" placeholder="Tất cả" data={ASSIGNEE_OPTIONS} value={search.get(URL_PARAM.assignee)} onChange={(v) => set('assignee', v)} clearable w={160} />
            <Select label="Kênh nộp" placeholder="Tất cả" data={CHANNEL_OPTIONS} value={search.get(URL_PARAM.channel)} onChange={(v) => set('channel', v)} clearable w={170} />
          </Group>
          <Group align="flex-end" gap="sm" wrap="wrap" mt="sm">
            {DATE_FILTERS.map(({ key, label }) => (
              <VnDateInput
                key={key}
                label={label}
                value={isoDay(search.get(URL_PARAM[key]))}
                // From the address as it is now: the date field may call back with an older
                // closure (see supervision/filters.ts), which must not undo another filter.
                onChange={(v) => setSearch(withParam(new URLSearchParams(window.location.search), key, v))}
                clearable
                clearButtonProps={{ 'aria-label': `Xóa ${label.toLowerCase()}` }}
                w={170}
              />
            ))}
            <Select label="Sắp xếp theo" data={SORT_OPTIONS} value={search.get(URL_PARAM.sort) ?? 'due'} onChange={(v) => set('sort', v === 'due' ? null : v)} allowDeselect={false} w={150} />
            <Select label="Thứ tự" data={ORDER_OPTIONS} value={search.get(URL_PARAM.order) ?? 'asc'} onChange={(v) => set('order', v === 'asc' ? null : v)} allowDeselect={false} w={150} />
            {hasFilters(search) && (
              <Button variant="subtle" onClick={() => setSearch(currentQueue ? new URLSearchParams({ [URL_PARAM.queue]: currentQueue }) : new URLSearchParams())}>
                Bỏ lọc
              </Button>
            )}
          </Group>
        </form>
      </Paper>

      {saving && (
        <SaveSearchDialog
          onClose={() => setSaving(false)}
          onSave={(name) => {
            saved.save(name, search.toString());
            setSaving(false);
          }}
        />
      )}

      {list.error && <ProblemAlert error={list.error} testId="worklist-error" />}
      {list.isPending && <Loader role="status" aria-label="Đang tải danh sách hồ sơ" />}
      {first && (
        <Text size="sm" data-testid="worklist-total">
          {first.total === 0 ? 'Không có hồ sơ nào khớp bộ lọc.' : `Đang hiển thị ${rows.length} trên ${first.total} hồ sơ.`}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={1000}>
          <Table highlightOnHover verticalSpacing="xs" className={classes.table} data-testid="worklist">
            <VisuallyHidden component="caption">Danh sách hồ sơ, sắp xếp theo {SORT_OPTIONS.find((o) => o.value === (first?.sort ?? 'due'))?.label.toLowerCase()}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Mã hồ sơ</Table.Th>
                <Table.Th scope="col">Thủ tục</Table.Th>
                <Table.Th scope="col">Người nộp</Table.Th>
                <Table.Th scope="col">Trạng thái</Table.Th>
                <Table.Th scope="col">Đang ở</Table.Th>
                <Table.Th scope="col">Hạn xử lý</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Row key={r.code} row={r} onOpen={() => navigate(PATHS.dossier(r.code))} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group>
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Tải thêm
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Row({ row, onOpen }: { row: WorklistRow; onOpen(): void }) {
  const due = dueWords(row.dueAt ?? row.currentStep?.dueAt, { pausedSince: row.pausedSince });
  const stepDue = !row.dueAt && row.currentStep?.dueAt;
  return (
    // A click anywhere on the row opens the dossier; the keyboard goes by the code's link.
    <Table.Tr className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && onOpen()} data-code={row.code}>
      <Table.Td>
        <Anchor component={Link} to={PATHS.dossier(row.code)} fw={600} className={classes.code}>
          {row.code}
        </Anchor>
        <Text size="xs" c="dimmed">
          {CHANNEL_LABEL[row.channel]}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" lineClamp={2}>
          {row.procedure.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{row.applicant.fullName}</Text>
        <Text size="xs" c="dimmed">
          CCCD {row.applicant.idNumber}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {row.status.label}
        </Text>
        {row.feeStatus === 'unpaid' && (
          <Text size="xs" c="var(--mantine-color-orange-light-color)">
            Chưa nộp phí
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {row.routedStep ? (
          // Routed dossiers: the step of the pinned internal procedure and the unit holding it.
          <>
            <Text size="sm" lineClamp={2} data-testid="routed-step">
              {row.routedStep.name}
            </Text>
            <Text size="xs" c="dimmed">
              {row.routedStep.unit}
              {row.assignee ? ` · ${row.assignee.fullName}` : ''}
            </Text>
          </>
        ) : (
          <>
            <Text size="sm">{row.currentStep?.label ?? '—'}</Text>
            <Text size="xs" c="dimmed">
              {row.assignee?.fullName ?? row.currentStep?.holder ?? ''}
            </Text>
          </>
        )}
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={DUE_COLOR[due.tone]} className={classes.status} data-testid="due">
          {due.text}
        </Badge>
        <Text size="xs" c="dimmed">
          {row.dueAt || row.currentStep?.dueAt ? `${stepDue ? 'Hạn bước: ' : ''}${dateTimeVn(row.dueAt ?? row.currentStep?.dueAt)}` : ''}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function SaveSearchDialog({ onClose, onSave }: { onClose(): void; onSave(name: string): void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened onClose={onClose} closeButtonProps={{ 'aria-label': 'Đóng hộp thoại' }} title="Lưu bộ lọc" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return setError('Vui lòng đặt tên cho bộ lọc.');
          onSave(name.trim());
        }}
      >
        <Stack>
          <TextInput label="Tên bộ lọc" placeholder="Ví dụ: Hộ kinh doanh sắp quá hạn" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} data-autofocus required maxLength={80} />
          <Text size="sm" c="dimmed">
            Bộ lọc được lưu trên máy này, cho tài khoản của Ông/Bà.
          </Text>
          <SimpleGrid cols={2}>
            <Button variant="default" onClick={onClose}>
              Hủy
            </Button>
            <Button type="submit">Lưu</Button>
          </SimpleGrid>
        </Stack>
      </form>
    </Modal>
  );
}

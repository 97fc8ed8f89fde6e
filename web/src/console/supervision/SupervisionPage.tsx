import { Alert, Anchor, Button, Group, Loader, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { dateTimeVn, dateVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { VnDateInput } from '../../shared/VnDateInput';
import { PATHS } from '../paths';
import { useIndicators, useOnTime, useSatisfaction, useSupervisedAgencies, useWorklist, type Indicator, type WorklistItem, type WorklistView } from './api';
import { MAX_DAYS, ON_TIME_GROUPS, periodError, periodParams, SATISFACTION_GROUPS, TABS, useFilters, VIEWS, worklistParams, type Filters, type Tab } from './filters';
import { CountTable, CsvButton, Legend, num, pct, Section, StackedBar } from './parts';

const TAB_LABELS: Record<Tab, string> = {
  'han-xu-ly': 'Hồ sơ theo thời hạn',
  'dung-han': 'Tỷ lệ đúng hạn',
  'chi-so-766': 'Chỉ số Quyết định 766',
  'hai-long': 'Mức độ hài lòng',
};

/** Giám sát, thống kê: deadline worklists, on-time rates, the QĐ 766 indicators and satisfaction, as of a chosen day. */
export function SupervisionPage() {
  usePageTitle('Giám sát, thống kê', 'Phần mềm một cửa');
  const [f, set] = useFilters();
  const agencies = useSupervisedAgencies();
  const badPeriod = periodError(f);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Giám sát, thống kê
      </Title>
      <form aria-label="Bộ lọc báo cáo" onSubmit={(e) => e.preventDefault()}>
        <Group align="flex-start" gap="md" wrap="wrap">
          <Select
            label="Cơ quan"
            w={320}
            data={[{ value: '', label: 'Tất cả cơ quan được giám sát' }, ...(agencies.data ?? []).map((a) => ({ value: a.eid, label: a.name }))]}
            value={f.agency ?? ''}
            onChange={(v) => set({ agency: v })}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <VnDateInput
            label="Tính đến hết ngày"
            description="Để trống: tính đến bây giờ"
            value={f.asOf ?? null}
            onChange={(v) => set({ asOf: v })}
            clearable
            clearButtonProps={{ 'aria-label': 'Xóa ngày tính đến' }}
            w={190}
          />
          {f.tab !== 'han-xu-ly' ? (
            <>
              <VnDateInput
                label="Từ ngày"
                description="Kỳ báo cáo"
                value={f.from}
                onChange={(v) => set({ from: v })}
                w={170}
              />
              <VnDateInput
                label="Đến ngày"
                description="Gồm cả ngày này"
                value={f.to}
                onChange={(v) => set({ to: v })}
                // Said in words in the alert below (a message under this narrow field would be cut).
                error={badPeriod ? true : undefined}
                w={170}
              />
            </>
          ) : null}
        </Group>
      </form>

      <Tabs value={f.tab} onChange={(v) => set({ tab: v })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Tab key={t} value={t}>
              {TAB_LABELS[t]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="han-xu-ly" pt="md">
          <DeadlinesPanel f={f} set={set} />
        </Tabs.Panel>
        <Tabs.Panel value="dung-han" pt="md">
          {badPeriod ? <PeriodAlert text={badPeriod} /> : <OnTimePanel f={f} set={set} />}
        </Tabs.Panel>
        <Tabs.Panel value="chi-so-766" pt="md">
          {badPeriod ? <PeriodAlert text={badPeriod} /> : <IndicatorsPanel f={f} />}
        </Tabs.Panel>
        <Tabs.Panel value="hai-long" pt="md">
          {badPeriod ? <PeriodAlert text={badPeriod} /> : <SatisfactionPanel f={f} set={set} />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function PeriodAlert({ text }: { text: string }) {
  return (
    <Alert color="red" variant="light" title="Kỳ báo cáo chưa hợp lệ" role="alert">
      {text}
    </Alert>
  );
}

type SetFilters = ReturnType<typeof useFilters>[1];

function AsOfNote({ asOf, from, to }: { asOf?: string; from?: string; to?: string }) {
  return (
    <Text size="sm" c="dimmed" data-testid="as-of">
      {from && to ? `Kỳ báo cáo ${dateVn(`${from}T12:00:00+07:00`)} – ${dateVn(`${to}T12:00:00+07:00`)}; ` : ''}
      {asOf ? `${from && to ? 's' : 'S'}ố liệu tính đến ${dateTimeVn(asOf)}.` : ''}
    </Text>
  );
}

// ------------------------------------------------------------------ deadlines

const VIEW_BADGE: Record<WorklistView, { color: string; label: (days: number) => string }> = {
  due_today: { color: 'orange', label: () => 'Đến hạn hôm nay' },
  due_within: { color: 'blue', label: (d) => `Đến hạn trong ${d} ngày làm việc` },
  overdue: { color: 'red', label: () => 'Quá hạn' },
  paused: { color: 'gray', label: () => 'Tạm dừng' },
  at_risk: { color: 'yellow', label: () => 'Sắp quá hạn' },
};

/** The due state in words and colour: "Quá hạn 3 giờ làm việc", "Tạm dừng từ …". */
function DueState({ item, view, days }: { item: WorklistItem; view: WorklistView; days: number }) {
  // The theme's text colour of light variants: each hue darkened to read at 4.5:1 on white.
  const ink = (color: string) => `var(--mantine-color-${color}-light-color)`;
  if (item.pausedSince) {
    return (
      <Text size="sm" fw={600} c={ink('gray')}>
        {`Tạm dừng từ ${dateTimeVn(item.pausedSince)}`}
      </Text>
    );
  }
  if (item.overdueBy !== null) {
    return (
      <>
        <Text size="sm" fw={700} c={ink('red')}>{`Quá hạn ${num(item.overdueBy, 1)} giờ làm việc`}</Text>
        {/* A working day is 8 hours on the state calendar: the days help to weigh a large number of hours. */}
        {item.overdueBy >= 8 ? <Text size="xs" c="dimmed">{`khoảng ${num(Math.floor(item.overdueBy / 8), 0)} ngày làm việc`}</Text> : null}
      </>
    );
  }
  const b = VIEW_BADGE[view];
  return (
    <Text size="sm" fw={600} c={ink(b.color)}>
      {b.label(days)}
    </Text>
  );
}

function DeadlinesPanel({ f, set }: { f: Filters; set: SetFilters }) {
  const params = worklistParams(f);
  const list = useWorklist(params);
  const first = list.data?.pages[0];
  const items = list.data?.pages.flatMap((p) => p.dossiers) ?? [];
  return (
    <Stack gap="md">
      <Group align="flex-end" gap="md">
        <div>
          <Text size="sm" fw={500} id="view-label" mb={4}>
            Danh sách
          </Text>
          <SegmentedControl aria-labelledby="view-label" data={VIEWS} value={f.view} onChange={(v) => set({ view: v })} />
        </div>
        {f.view === 'due_within' ? (
          <NumberInput
            label="Số ngày làm việc tới (N)"
            min={0}
            max={MAX_DAYS}
            clampBehavior="strict"
            allowDecimal={false}
            value={f.days}
            onChange={(v) => set({ days: typeof v === 'number' ? v : undefined })}
            w={190}
          />
        ) : null}
        <CsvButton path="/api/v1/supervision/dossiers" query={params} label="Tải danh sách (CSV)" testId="csv-worklist" />
      </Group>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {!first ? (
        list.isPending ? <Loader role="status" aria-label="Đang tải" /> : null
      ) : (
        <>
          <Group gap="xs" align="baseline">
            <Text fw={700} size="xl" data-testid="worklist-total">
              {first.total}
            </Text>
            <Text>hồ sơ — {VIEW_BADGE[f.view].label(f.days).toLowerCase()}</Text>
          </Group>
          <AsOfNote asOf={first.asOf} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <CountTable title="Theo đơn vị" counts={first.counts.agency} total={first.total} unnamed="—" testId="counts-agency" />
            <CountTable title="Theo cán bộ" counts={first.counts.officer} total={first.total} unnamed="Chưa phân công" testId="counts-officer" />
            <CountTable title="Theo thủ tục" counts={first.counts.procedure} total={first.total} unnamed="—" testId="counts-procedure" />
            <CountTable title="Theo bước xử lý" counts={first.counts.step} total={first.total} unnamed="Không xác định" testId="counts-step" />
          </SimpleGrid>
          <Section title="Danh sách hồ sơ">
            {items.length ? (
              <Table.ScrollContainer minWidth={900}>
                <Table striped highlightOnHover withTableBorder fz="sm" data-testid="worklist-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Mã hồ sơ</Table.Th>
                      <Table.Th>Thủ tục</Table.Th>
                      <Table.Th>Cán bộ xử lý</Table.Th>
                      <Table.Th>Bước hiện tại</Table.Th>
                      <Table.Th>Hạn giải quyết</Table.Th>
                      <Table.Th>Tình trạng</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((d) => (
                      <Table.Tr key={d.code}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <Anchor component={Link} to={PATHS.dossier(d.code)} fw={600}>
                            {d.code}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {d.status.label}
                          </Text>
                        </Table.Td>
                        <Table.Td>{d.procedure.name}</Table.Td>
                        <Table.Td>{d.assignee?.name ?? 'Chưa phân công'}</Table.Td>
                        <Table.Td>{d.currentStep?.label ?? '—'}</Table.Td>
                        <Table.Td>{dateTimeVn(d.dueAt)}</Table.Td>
                        <Table.Td>
                          <DueState item={d} view={f.view} days={f.days} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            ) : (
              <Text c="dimmed">Không có hồ sơ nào trong danh sách này.</Text>
            )}
            {list.hasNextPage ? (
              <Button variant="default" mt="sm" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {`Xem thêm (đang hiển thị ${items.length}/${first.total})`}
              </Button>
            ) : null}
          </Section>
        </>
      )}
    </Stack>
  );
}

// ------------------------------------------------------------------ on time

const OUTCOMES = [
  { key: 'early', color: 'teal', label: 'Trước hạn' },
  { key: 'onTime', color: 'blue', label: 'Đúng hạn' },
  { key: 'late', color: 'red', label: 'Trễ hạn' },
] as const;

function OnTimePanel({ f, set }: { f: Filters; set: SetFilters }) {
  const params = periodParams(f, f.onTimeBy);
  const report = useOnTime(params);
  const r = report.data;
  const groupLabel = ON_TIME_GROUPS.find((g) => g.value === f.onTimeBy)!.label.replace(/^Theo /, '');
  return (
    <Stack gap="md">
      <Group align="flex-end" justify="space-between">
        <Select label="Nhóm theo" data={ON_TIME_GROUPS} value={f.onTimeBy} onChange={(v) => set({ onTimeBy: v })} allowDeselect={false} w={220} />
        <CsvButton path="/api/v1/supervision/on-time" query={params} label="Tải bảng (CSV)" testId="csv-on-time" />
      </Group>
      {report.error ? <ProblemAlert error={report.error} /> : null}
      {!r ? (
        report.isPending ? <Loader role="status" aria-label="Đang tải" /> : null
      ) : (
        <>
          <AsOfNote asOf={r.asOf} from={f.from} to={f.to} />
          <Text size="sm">
            {r.basis === 'dossiers'
              ? 'Hồ sơ kết thúc xử lý trong kỳ, so với hạn giải quyết theo quy định.'
              : 'Các bước trên Phiếu kiểm soát quá trình hoàn thành trong kỳ, so với hạn của từng bước.'}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="on-time-totals">
            <Stat label="Tổng số" value={String(r.totals.total)} testId="total" />
            <Stat label="Trước hạn" value={`${r.totals.early} (${pct(r.totals.rates.early)})`} testId="early" />
            <Stat label="Đúng hạn" value={`${r.totals.onTime} (${pct(r.totals.rates.onTime)})`} testId="onTime" />
            <Stat label="Trễ hạn" value={`${r.totals.late} (${pct(r.totals.rates.late)})`} testId="late" />
          </SimpleGrid>
          <Legend items={OUTCOMES.map((o) => ({ color: o.color, label: o.label }))} />
          <Table.ScrollContainer minWidth={900}>
            <Table withTableBorder striped fz="sm" data-testid="on-time-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{groupLabel.replace(/^./, (c) => c.toUpperCase())}</Table.Th>
                  <Table.Th ta="right">Trước hạn</Table.Th>
                  <Table.Th ta="right">Đúng hạn</Table.Th>
                  <Table.Th ta="right">Trễ hạn</Table.Th>
                  <Table.Th ta="right">Tổng</Table.Th>
                  <Table.Th ta="right">Tỷ lệ đúng và trước hạn</Table.Th>
                  <Table.Th w="28%">Biểu đồ</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...r.groups, { key: '', name: 'Tổng cộng', ...r.totals }].map((g) => (
                  <Table.Tr key={g.key || 'total'} fw={g.key ? undefined : 700}>
                    <Table.Td>{g.name}</Table.Td>
                    <Table.Td ta="right">{`${g.early} (${pct(g.rates.early)})`}</Table.Td>
                    <Table.Td ta="right">{`${g.onTime} (${pct(g.rates.onTime)})`}</Table.Td>
                    <Table.Td ta="right">{`${g.late} (${pct(g.rates.late)})`}</Table.Td>
                    <Table.Td ta="right">{g.total}</Table.Td>
                    <Table.Td ta="right">{pct(g.rates.onTimeOrEarly)}</Table.Td>
                    <Table.Td>
                      <StackedBar total={g.total} segments={OUTCOMES.map((o) => ({ value: g[o.key], color: o.color, label: o.label }))} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {!r.groups.length ? <Text c="dimmed">Không có hồ sơ kết thúc xử lý trong kỳ này.</Text> : null}
        </>
      )}
    </Stack>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid="value">
        {value}
      </Text>
    </div>
  );
}

// ------------------------------------------------------------------ QĐ 766

function indicatorValue(i: Indicator): string {
  if (i.unit === 'working_days') return i.value === null ? '—' : `${num(i.value)} ngày làm việc`;
  return pct(i.value);
}

function IndicatorsPanel({ f }: { f: Filters }) {
  const params = periodParams(f);
  const report = useIndicators(params);
  const r = report.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" maw={800}>
          Các chỉ số đánh giá chất lượng giải quyết thủ tục hành chính theo Quyết định số 766/QĐ-TTg mà dữ liệu của hệ thống tính được.
        </Text>
        <CsvButton path="/api/v1/supervision/indicators" query={params} label="Tải bảng chỉ số (CSV)" testId="csv-indicators" />
      </Group>
      {report.error ? <ProblemAlert error={report.error} /> : null}
      {!r ? (
        report.isPending ? <Loader role="status" aria-label="Đang tải" /> : null
      ) : (
        <>
          <AsOfNote asOf={r.asOf} from={f.from} to={f.to} />
          <Table.ScrollContainer minWidth={900}>
            <Table withTableBorder striped fz="sm" data-testid="indicators-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Mã</Table.Th>
                  <Table.Th>Chỉ số</Table.Th>
                  <Table.Th ta="right">Tử số</Table.Th>
                  <Table.Th ta="right">Mẫu số</Table.Th>
                  <Table.Th ta="right">Giá trị</Table.Th>
                  <Table.Th ta="right">Điểm</Table.Th>
                  <Table.Th w="20%">Biểu đồ</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.indicators.map((i) => (
                  <Table.Tr key={i.code} data-code={i.code}>
                    <Table.Td>{i.code}</Table.Td>
                    <Table.Td>
                      {i.name}
                      {i.threshold !== null ? (
                        <Text size="xs" c="dimmed">{`Đạt điểm tối đa khi từ ${pct(i.threshold)}`}</Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td ta="right">{num(i.numerator)}</Table.Td>
                    <Table.Td ta="right">{num(i.denominator)}</Table.Td>
                    <Table.Td ta="right" fw={600} data-testid="value">
                      {indicatorValue(i)}
                    </Table.Td>
                    <Table.Td ta="right">{i.maxPoints !== null ? `${num(i.score)}/${i.maxPoints}` : '—'}</Table.Td>
                    <Table.Td>{i.unit === 'percent' ? <StackedBar total={100} segments={[{ value: i.value ?? 0, color: 'blue', label: i.name }]} /> : null}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}

// ------------------------------------------------------------------ satisfaction

const LEVELS = [
  { key: 'verySatisfied', color: 'teal', label: 'Rất hài lòng' },
  { key: 'satisfied', color: 'blue', label: 'Hài lòng' },
  { key: 'notSatisfied', color: 'red', label: 'Không hài lòng' },
] as const;

function SatisfactionPanel({ f, set }: { f: Filters; set: SetFilters }) {
  const params = periodParams(f, f.satisfactionBy);
  const report = useSatisfaction(params);
  const r = report.data;
  const groupLabel = f.satisfactionBy === 'agency' ? 'Cơ quan' : 'Cán bộ xử lý';
  return (
    <Stack gap="md">
      <Group align="flex-end" justify="space-between">
        <Select label="Nhóm theo" data={SATISFACTION_GROUPS} value={f.satisfactionBy} onChange={(v) => set({ satisfactionBy: v })} allowDeselect={false} w={220} />
        <CsvButton path="/api/v1/supervision/satisfaction" query={params} label="Tải bảng (CSV)" testId="csv-satisfaction" />
      </Group>
      {report.error ? <ProblemAlert error={report.error} /> : null}
      {!r ? (
        report.isPending ? <Loader role="status" aria-label="Đang tải" /> : null
      ) : (
        <>
          <AsOfNote asOf={r.asOf} from={f.from} to={f.to} />
          <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="satisfaction-totals">
            <Stat label="Số lượt đánh giá" value={String(r.totals.total)} testId="total" />
            <Stat label="Rất hài lòng" value={`${r.totals.verySatisfied} (${pct(r.totals.rates.verySatisfied)})`} testId="verySatisfied" />
            <Stat label="Hài lòng" value={`${r.totals.satisfied} (${pct(r.totals.rates.satisfied)})`} testId="satisfied" />
            <Stat label="Không hài lòng" value={`${r.totals.notSatisfied} (${pct(r.totals.rates.notSatisfied)})`} testId="notSatisfied" />
          </SimpleGrid>
          <Legend items={LEVELS.map((o) => ({ color: o.color, label: o.label }))} />
          <Table.ScrollContainer minWidth={900}>
            <Table withTableBorder striped fz="sm" data-testid="satisfaction-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{groupLabel}</Table.Th>
                  {LEVELS.map((l) => (
                    <Table.Th key={l.key} ta="right">
                      {l.label}
                    </Table.Th>
                  ))}
                  <Table.Th ta="right">Tổng</Table.Th>
                  <Table.Th ta="right">Tỷ lệ hài lòng trở lên</Table.Th>
                  <Table.Th w="24%">Biểu đồ</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...r.groups, { key: '', name: 'Tổng cộng', ...r.totals }].map((g) => (
                  <Table.Tr key={g.key ?? 'none'} fw={g.key === '' ? 700 : undefined}>
                    <Table.Td>{g.name ?? '—'}</Table.Td>
                    {LEVELS.map((l) => (
                      <Table.Td key={l.key} ta="right">{`${g[l.key]} (${pct(g.rates[l.key])})`}</Table.Td>
                    ))}
                    <Table.Td ta="right">{g.total}</Table.Td>
                    <Table.Td ta="right">{pct(g.rates.satisfiedOrBetter)}</Table.Td>
                    <Table.Td>
                      <StackedBar total={g.total} segments={LEVELS.map((l) => ({ value: g[l.key], color: l.color, label: l.label }))} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {!r.groups.length ? <Text c="dimmed">Chưa có lượt đánh giá nào trong kỳ này.</Text> : null}
        </>
      )}
    </Stack>
  );
}

import { Button, Group, Progress, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { downloadCsv, type Count, type Params } from './api';

/** 12.5 → "12,5%"; null (nothing to divide) → "—". */
export function pct(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(rate)}%`;
}

export const num = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '—' : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(n));

export interface Segment {
  value: number;
  color: string;
  label: string;
}

/**
 * A horizontal stacked bar. It repeats numbers that stand as text beside it, so screen readers
 * skip it; the colours come with a legend and the numbers, never alone.
 */
export function StackedBar({ segments, total }: { segments: Segment[]; total: number }) {
  if (!total) return <Progress value={0} size="lg" aria-hidden />;
  return (
    <Progress.Root size="lg" aria-hidden>
      {segments.map((s) =>
        s.value > 0 ? <Progress.Section key={s.label} value={(s.value * 100) / total} color={s.color} title={`${s.label}: ${s.value}`} /> : null,
      )}
    </Progress.Root>
  );
}

export function Legend({ items }: { items: Array<{ color: string; label: string }> }) {
  return (
    <Group gap="md" aria-hidden>
      {items.map((i) => (
        <Group key={i.label} gap={6}>
          <span style={{ display: 'inline-block', width: 14, height: 14, borderRadius: 3, background: `var(--mantine-color-${i.color}-filled)` }} />
          <Text size="sm">{i.label}</Text>
        </Group>
      ))}
    </Group>
  );
}

/** "Tải CSV (Excel)": the report as the API writes it, with the officer's token. */
export function CsvButton({ path, query, label, testId }: { path: string; query: Params; label: string; testId: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div>
      <Button
        variant="light"
        loading={pending}
        data-testid={testId}
        onClick={() => {
          setPending(true);
          setError(null);
          downloadCsv(path, query)
            .catch(setError)
            .finally(() => setPending(false));
        }}
      >
        {label}
      </Button>
      {error ? <ProblemAlert error={error} title="Không tải được tệp CSV" /> : null}
    </div>
  );
}

/** Counts of a worklist by one dimension: a table with a bar per row. */
export function CountTable({ title, counts, total, unnamed, testId }: { title: string; counts: Count[]; total: number; unnamed: string; testId: string }) {
  return (
    <section aria-labelledby={`${testId}-title`} data-testid={testId}>
      <Title order={3} size="h5" id={`${testId}-title`} mb={4}>
        {title}
      </Title>
      {counts.length ? (
        <Table striped withTableBorder verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{title.replace(/^Theo /, '').replace(/^./, (c) => c.toUpperCase())}</Table.Th>
              <Table.Th ta="right">Số hồ sơ</Table.Th>
              <Table.Th w="35%">
                <VisuallyHidden>Tỷ trọng</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {counts.map((c) => (
              <Table.Tr key={c.key ?? '—'} data-key={c.key ?? ''}>
                <Table.Td>{c.name ?? unnamed}</Table.Td>
                <Table.Td ta="right" data-testid="count">
                  {c.count}
                </Table.Td>
                <Table.Td>
                  <Progress value={total ? (c.count * 100) / total : 0} aria-hidden />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          Không có hồ sơ.
        </Text>
      )}
    </section>
  );
}

export function Section({ title, actions, children, testId }: { title: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId}>
      <Group justify="space-between" mb="xs" align="flex-end">
        <Title order={2} size="h4">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </section>
  );
}

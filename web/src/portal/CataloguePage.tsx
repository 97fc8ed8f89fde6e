import { Badge, Card, Group, Loader, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '../shared/ProblemAlert';
import { fold, timeLimitText, vnd } from '../shared/format';
import { usePageTitle } from '../shared/usePageTitle';
import { feeOf, useProcedures } from './queries';
import classes from './CataloguePage.module.css';

/** Danh mục thủ tục: search by name or code (diacritics or not), filter by field, each with its time limit and fee. */
export function CataloguePage() {
  usePageTitle('Thủ tục hành chính');
  const procedures = useProcedures();
  const [search, setSearch] = useState('');
  const [field, setField] = useState<string | null>(null);
  const fields = useMemo(() => [...new Set((procedures.data ?? []).map((p) => p.field))].sort((a, b) => a.localeCompare(b, 'vi')), [procedures.data]);
  const shown = useMemo(() => {
    const q = fold(search.trim());
    return (procedures.data ?? []).filter(
      (p) => (!field || p.field === field) && (!q || fold(`${p.name} ${p.code} ${p.nationalCode ?? ''} ${p.field}`).includes(q)),
    );
  }, [procedures.data, search, field]);

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Thủ tục hành chính</Title>
        <Text c="dimmed" mt={4}>
          Tra cứu thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí và xem trước ngày hẹn trả kết quả.
        </Text>
      </div>
      <Group align="end" grow preventGrowOverflow={false} className={classes.filters}>
        <TextInput
          label="Tìm thủ tục"
          placeholder="Tên, mã thủ tục hoặc lĩnh vực, ví dụ: ho kinh doanh"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          type="search"
        />
        <Select label="Lĩnh vực" placeholder="Tất cả lĩnh vực" data={fields} value={field} onChange={setField} clearable searchable nothingFoundMessage="Không có lĩnh vực phù hợp" />
      </Group>
      {procedures.isPending ? (
        <Group justify="center" py="xl">
          <Loader role="status" aria-label="Đang tải danh mục thủ tục" />
        </Group>
      ) : procedures.isError ? (
        <ProblemAlert error={procedures.error} />
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {shown.length} thủ tục
          </Text>
          {shown.length === 0 ? (
            <Text>Không tìm thấy thủ tục phù hợp. Vui lòng thử từ khóa khác.</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" component="ul" className={classes.list}>
              {shown.map((p) => {
                const online = feeOf(p, 'online');
                const counter = feeOf(p, 'counter');
                return (
                  <Card component="li" key={p.code} withBorder padding="lg" className={classes.card}>
                    <Stack gap="xs" h="100%">
                      <Group gap={6}>
                        <Badge variant="light" color={p.onlineLevel === 'full' ? 'teal' : 'gray'}>
                          {p.onlineLevel === 'full' ? 'Trực tuyến toàn trình' : 'Trực tuyến một phần'}
                        </Badge>
                        {p.nationalCode ? (
                          <Text size="xs" c="dimmed">
                            Mã {p.nationalCode}
                          </Text>
                        ) : null}
                      </Group>
                      <Title order={2} size="h4">
                        <Link to={`/thu-tuc/${encodeURIComponent(p.code)}`} className={classes.title}>
                          {p.name}
                        </Link>
                      </Title>
                      <Text size="sm" c="dimmed">
                        {p.field}
                      </Text>
                      <dl className={classes.facts}>
                        <dt>Thời hạn</dt>
                        <dd>{timeLimitText(p.timeLimit)}</dd>
                        <dt>Lệ phí</dt>
                        <dd>
                          {online === null && counter === null
                            ? 'Không thu'
                            : online !== null && counter !== null && online !== counter
                              ? `${vnd(online)} trực tuyến, ${vnd(counter)} trực tiếp`
                              : vnd((online ?? counter)!)}
                        </dd>
                      </dl>
                    </Stack>
                  </Card>
                );
              })}
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}

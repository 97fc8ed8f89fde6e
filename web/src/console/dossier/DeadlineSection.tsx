import { Badge, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { dateTimeVn, dayVn } from '../../shared/format';
import { Fact, Facts } from '../../shared/Facts';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { useDeadline } from './detail-api';
import { timeLeft, workingTimeWords } from './time-left';

/** Thời hạn: the API's explanation of the due date, line by line, and the figures it rests on. */
export function DeadlineSection({ code }: { code: string }) {
  const q = useDeadline(code);
  if (q.isPending) return <Loader size="sm" role="status" aria-label="Đang tải thời hạn" />;
  if (q.error) return <ProblemAlert error={q.error} />;
  const d = q.data;
  const left = timeLeft(d);
  const dayMinutes = d.limit?.unit === 'working_days' && d.limit.value && d.limitMinutes ? d.limitMinutes / d.limit.value : undefined;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Cách tính thời hạn
        </Title>
        <List spacing={6} size="sm" data-testid="deadline-explanation">
          {d.explanation.map((line, i) => (
            <List.Item key={i}>{line}</List.Item>
          ))}
        </List>
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Số liệu
        </Title>
        <Facts>
          <Fact term="Hiện trạng">
            <Badge variant="light" color={left.color} radius="sm" style={{ textTransform: 'none' }} data-testid="deadline-words">
              {left.words}
            </Badge>
          </Fact>
          <Fact term="Hạn giải quyết">{dateTimeVn(d.dueAt)}</Fact>
          {d.limitMinutes !== undefined && <Fact term="Thời gian giải quyết theo quy định">{workingTimeWords(d.limitMinutes, dayMinutes)}</Fact>}
          {!!d.extensionMinutes && <Fact term="Được gia hạn thêm">{workingTimeWords(d.extensionMinutes, dayMinutes)}</Fact>}
          {d.countedMinutes !== undefined && <Fact term="Đã tính">{workingTimeWords(d.countedMinutes, dayMinutes)}</Fact>}
          {d.pausedMinutes !== undefined && <Fact term="Tạm dừng (không tính)">{workingTimeWords(d.pausedMinutes, dayMinutes)}</Fact>}
          {d.calendar && (
            <Fact term="Lịch làm việc">
              {d.calendar.code}, phiên bản {d.calendar.version}
            </Fact>
          )}
          {d.asOf && <Fact term="Tính đến">{dateTimeVn(d.asOf)}</Fact>}
        </Facts>
        {!!d.daysSkipped?.length && (
          <>
            <Text size="sm" fw={600} mt="xs">
              Ngày không tính ({d.daysSkipped.length})
            </Text>
            <List size="sm" spacing={2}>
              {d.daysSkipped.map((s) => (
                <List.Item key={s.day}>
                  {dayVn(s.day)}: {s.name}
                </List.Item>
              ))}
            </List>
          </>
        )}
      </Stack>
    </SimpleGrid>
  );
}

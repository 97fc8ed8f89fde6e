import { Stack, Title } from '@mantine/core';
import { usePageTitle } from '../../shared/usePageTitle';

/** Lịch làm việc: placeholder of the console shell, to be built. */
export function CalendarsPage() {
  usePageTitle('Lịch làm việc', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1} size="h2">
        Lịch làm việc
      </Title>
    </Stack>
  );
}

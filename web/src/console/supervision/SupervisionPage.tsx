import { Stack, Title } from '@mantine/core';
import { usePageTitle } from '../../shared/usePageTitle';

/** Giám sát, thống kê: placeholder of the console shell, to be built. */
export function SupervisionPage() {
  usePageTitle('Giám sát, thống kê', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1} size="h2">
        Giám sát, thống kê
      </Title>
    </Stack>
  );
}

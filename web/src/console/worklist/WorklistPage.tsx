import { Stack, Title } from '@mantine/core';
import { usePageTitle } from '../../shared/usePageTitle';

/** Hồ sơ: placeholder of the console shell, to be built. */
export function WorklistPage() {
  usePageTitle('Hồ sơ', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1} size="h2">
        Hồ sơ
      </Title>
    </Stack>
  );
}

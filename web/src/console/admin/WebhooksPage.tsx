import { Stack, Title } from '@mantine/core';
import { usePageTitle } from '../../shared/usePageTitle';

/** Kết nối (webhook): placeholder of the console shell, to be built. */
export function WebhooksPage() {
  usePageTitle('Kết nối (webhook)', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1} size="h2">
        Kết nối (webhook)
      </Title>
    </Stack>
  );
}

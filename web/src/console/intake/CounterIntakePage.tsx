import { Stack, Title } from '@mantine/core';
import { usePageTitle } from '../../shared/usePageTitle';

/** Tiếp nhận tại quầy: placeholder of the console shell, to be built. */
export function CounterIntakePage() {
  usePageTitle('Tiếp nhận tại quầy', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1} size="h2">
        Tiếp nhận tại quầy
      </Title>
    </Stack>
  );
}

import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from '../shared/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Không tìm thấy trang', 'Phần mềm một cửa');
  return (
    <Stack>
      <Title order={1}>Không tìm thấy trang</Title>
      <Text>Địa chỉ này không có trong phần mềm.</Text>
      <Anchor component={Link} to="/">
        Về trang làm việc
      </Anchor>
    </Stack>
  );
}

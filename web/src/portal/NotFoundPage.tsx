import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from '../shared/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Không tìm thấy trang');
  return (
    <Stack>
      <Title order={1}>Không tìm thấy trang</Title>
      <Text>Địa chỉ này không có trên Cổng dịch vụ công.</Text>
      <Anchor component={Link} to="/">
        Về danh mục thủ tục
      </Anchor>
    </Stack>
  );
}

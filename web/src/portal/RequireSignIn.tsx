import { Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useSession, type Citizen } from './session';

/**
 * A page for the signed-in citizen: until they are, what it is for and the sign-in (which
 * comes back to this very page).
 */
export function RequireSignIn({ title, why, children }: { title: string; why: string; children: (citizen: Citizen) => ReactNode }) {
  const { state, signIn } = useSession();
  if (state.kind === 'checking')
    return (
      <Group justify="center" py="xl">
        <Loader role="status" aria-label="Đang kiểm tra đăng nhập" />
      </Group>
    );
  if (state.kind === 'signed-in') return <>{children(state.citizen)}</>;
  return (
    <Stack gap="lg" maw={640}>
      <Title order={1}>{title}</Title>
      <Card withBorder padding="lg" component="section" aria-labelledby="can-dang-nhap">
        <Title order={2} size="h3" id="can-dang-nhap">
          Vui lòng đăng nhập
        </Title>
        <Text mt="xs">{why}</Text>
        <Text mt="xs" size="sm" c="dimmed">
          Đăng nhập bằng tài khoản định danh điện tử (VNeID). Sau khi đăng nhập, Ông/Bà quay lại đúng trang này.
        </Text>
        <Group mt="md">
          <Button onClick={() => signIn()}>Đăng nhập</Button>
        </Group>
      </Card>
    </Stack>
  );
}

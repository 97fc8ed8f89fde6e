import { Alert, Anchor, Button, Card, Center, Stack, Text, Title } from '@mantine/core';
import { usePageTitle } from '../shared/usePageTitle';
import classes from './SignInPage.module.css';

/**
 * Đăng nhập: the console's first screen. Sign-in by the centre's identity provider (OIDC with
 * PKCE, issue 15 "Sign-in") comes next; until then the button says so instead of pretending.
 */
export function SignInPage() {
  usePageTitle('Đăng nhập', 'Phần mềm một cửa');
  return (
    <main className={classes.page}>
      <Center mih="100vh" p="md">
        <Card withBorder shadow="sm" padding="xl" w={420} maw="100%">
          <Stack gap="md">
            <div>
              <Text size="sm" c="dimmed">
                Bộ phận Tiếp nhận và Trả kết quả
              </Text>
              <Title order={1} size="h2">
                Đăng nhập
              </Title>
            </div>
            <Text>Phần mềm xử lý hồ sơ dành cho cán bộ một cửa, chuyên viên, lãnh đạo và giám sát.</Text>
            <Alert variant="light" color="blue" title="Sắp có">
              Đăng nhập bằng tài khoản của cơ quan đang được hoàn thiện.
            </Alert>
            <Button disabled fullWidth>
              Đăng nhập bằng tài khoản cơ quan
            </Button>
            <Text size="sm">
              Công dân tra cứu hồ sơ tại <Anchor href="/tra-cuu">Cổng dịch vụ công</Anchor>.
            </Text>
          </Stack>
        </Card>
      </Center>
    </main>
  );
}

import { Alert, Anchor, Button, Card, Center, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { usePageTitle } from '../shared/usePageTitle';
import { startSignIn, type GateState } from './session';
import classes from './SignInPage.module.css';

/**
 * Đăng nhập: the console's first screen. Sign-in by the centre's identity provider (OpenID
 * Connect, code with PKCE: web/src/auth/oidc.ts, web/src/console/session.tsx).
 */
export function SignInPage({ state }: { state: GateState }) {
  const [error, setError] = useState<string | undefined>();
  usePageTitle('Đăng nhập', 'Phần mềm một cửa');
  const shown = error ?? (state.kind === 'signed-out' ? state.error : undefined);

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
            {state.kind === 'checking' ? (
              <Text role="status">Đang kiểm tra đăng nhập…</Text>
            ) : (
              <>
                <Text>Phần mềm xử lý hồ sơ dành cho cán bộ một cửa, chuyên viên, lãnh đạo và giám sát.</Text>
                {shown && (
                  <Alert variant="light" color="red" title="Chưa đăng nhập được" role="alert">
                    {shown}
                  </Alert>
                )}
                <Button fullWidth onClick={() => void startSignIn().catch(() => setError('Không kết nối được với hệ thống đăng nhập; vui lòng thử lại.'))}>
                  Đăng nhập bằng tài khoản cơ quan
                </Button>
                <Text size="sm">
                  Công dân tra cứu hồ sơ tại <Anchor href="/tra-cuu">Cổng dịch vụ công</Anchor>.
                </Text>
              </>
            )}
          </Stack>
        </Card>
      </Center>
    </main>
  );
}

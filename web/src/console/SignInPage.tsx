import { Alert, Anchor, Button, Card, Center, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { answer, api } from '../api/client';
import { completeSignIn, signIn, signOut } from '../auth/oidc';
import { usePageTitle } from '../shared/usePageTitle';
import classes from './SignInPage.module.css';

const TARGET = { audience: 'officers', clientId: 'dossier-console', redirectPath: '/console/' } as const;

interface Me {
  kind: 'officer' | 'citizen';
  fullName: string | null;
  username?: string;
  agencies?: Array<{ eid: string; name: string }>;
}

type State = { kind: 'checking' } | { kind: 'signed-out'; error?: string } | { kind: 'signed-in'; me: Me };

// Once per page load (StrictMode runs effects twice): the code can be redeemed only once.
let completion: Promise<boolean> | null = null;

/**
 * Đăng nhập: the console's first screen. Sign-in by the centre's identity provider (OpenID
 * Connect, code with PKCE: web/src/auth/oidc.ts); back from it, the signed-in officer's name.
 */
export function SignInPage() {
  const [state, setState] = useState<State>({ kind: 'checking' });
  usePageTitle(state.kind === 'signed-in' ? 'Trang làm việc' : 'Đăng nhập', 'Phần mềm một cửa');

  useEffect(() => {
    completion ??= completeSignIn(TARGET);
    completion
      .then(async (signedIn) => {
        if (!signedIn) return setState({ kind: 'signed-out' });
        const me = await answer<Me>(api.GET('/api/v1/me'));
        setState({ kind: 'signed-in', me });
      })
      .catch((err: unknown) => setState({ kind: 'signed-out', error: err instanceof Error && /[À-ỹ]/.test(err.message) ? err.message : 'Đăng nhập không thành công; vui lòng thử lại.' }));
  }, []);

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
                {state.kind === 'signed-in' ? 'Trang làm việc' : 'Đăng nhập'}
              </Title>
            </div>
            {state.kind === 'checking' && <Text role="status">Đang kiểm tra đăng nhập…</Text>}
            {state.kind === 'signed-in' && (
              <>
                <Text>
                  Xin chào, <strong>{state.me.fullName ?? state.me.username}</strong>
                </Text>
                {state.me.agencies?.map((a) => (
                  <Text key={a.eid} size="sm">
                    {a.name}
                  </Text>
                ))}
                <Button
                  variant="default"
                  onClick={() => {
                    signOut();
                    setState({ kind: 'signed-out' });
                  }}
                >
                  Đăng xuất
                </Button>
              </>
            )}
            {state.kind === 'signed-out' && (
              <>
                <Text>Phần mềm xử lý hồ sơ dành cho cán bộ một cửa, chuyên viên, lãnh đạo và giám sát.</Text>
                {state.error && (
                  <Alert variant="light" color="red" title="Chưa đăng nhập được" role="alert">
                    {state.error}
                  </Alert>
                )}
                <Button fullWidth onClick={() => void signIn(TARGET).catch(() => setState({ kind: 'signed-out', error: 'Không kết nối được với hệ thống đăng nhập; vui lòng thử lại.' }))}>
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

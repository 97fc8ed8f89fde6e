import { Alert, Anchor, Box, Burger, Button, Container, Divider, Drawer, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import classes from './Layout.module.css';
import { useSession } from './session';

const LINKS = [
  { to: '/', label: 'Thủ tục hành chính', end: false },
  { to: '/tra-cuu', label: 'Tra cứu hồ sơ', end: false },
  { to: '/ho-so-cua-toi', label: 'Hồ sơ của tôi', end: false },
];

/** Đăng nhập / the signed-in citizen's name with Đăng xuất, in the header (wide screens) or the drawer (phones). */
function Account({ drawer }: { drawer: boolean }) {
  const { state, signIn, signOut } = useSession();
  if (state.kind === 'checking') return null;
  if (state.kind === 'signed-out')
    return (
      <Button variant={drawer ? 'filled' : 'white'} color={drawer ? undefined : 'red.9'} onClick={() => signIn()} fullWidth={drawer}>
        Đăng nhập
      </Button>
    );
  const name = state.citizen.fullName ?? `CCCD ${state.citizen.idNumber}`;
  if (drawer)
    return (
      <Stack gap="xs">
        <Text size="sm">
          Đã đăng nhập: <strong>{name}</strong>
        </Text>
        <Button variant="default" onClick={signOut}>
          Đăng xuất
        </Button>
      </Stack>
    );
  return (
    <Group gap="xs" wrap="nowrap">
      <Text component="span" fw={600} c="white" data-testid="account-name" style={{ whiteSpace: 'nowrap' }}>
        {name}
      </Text>
      <Button variant="white" color="red.9" size="sm" onClick={signOut}>
        Đăng xuất
      </Button>
    </Group>
  );
}

/** The portal's frame: a skip link, the header with its menu (a drawer on phones), the page, the footer. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const { state } = useSession();
  const firstPath = useRef(pathname);
  useEffect(() => {
    close();
    // After a move within the portal, the keyboard and screen readers start at the new page's content.
    if (pathname !== firstPath.current) {
      firstPath.current = '';
      document.getElementById('noi-dung')?.focus({ preventScroll: true });
    }
  }, [pathname, close]);

  const links = (drawer: boolean) =>
    LINKS.map((l) => (
      <UnstyledButton
        key={l.to}
        component={NavLink}
        to={l.to}
        end={l.end}
        className={drawer ? classes.drawerLink : classes.link}
        // "Thủ tục" is current on the catalogue and on a procedure's page.
        aria-current={(l.to === '/' ? pathname === '/' || pathname.startsWith('/thu-tuc') : pathname.startsWith(l.to)) ? 'page' : undefined}
      >
        {l.label}
      </UnstyledButton>
    ));

  return (
    <div className={classes.page}>
      <a href="#noi-dung" className={classes.skip}>
        Bỏ qua đến nội dung chính
      </a>
      <Box component="header" className={classes.header}>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Anchor component={NavLink} to="/" underline="never" className={classes.brand}>
              <span className={classes.emblem} aria-hidden="true">
                ★
              </span>
              <span>
                <Text component="span" fw={700} size="lg" display="block" lh={1.2}>
                  Cổng dịch vụ công
                </Text>
                <Text component="span" size="xs" display="block" lh={1.2}>
                  Bộ phận Tiếp nhận và Trả kết quả
                </Text>
              </span>
            </Anchor>
            <Group gap={4} visibleFrom="md" wrap="nowrap">
              <Group gap={4} component="nav" aria-label="Điều hướng chính" wrap="nowrap">
                {links(false)}
              </Group>
              <Box ml="sm">
                <Account drawer={false} />
              </Box>
            </Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" color="white" aria-label={opened ? 'Đóng trình đơn' : 'Mở trình đơn'} />
          </Group>
        </Container>
      </Box>
      <Drawer opened={opened} onClose={close} title="Trình đơn" size="xs" closeButtonProps={{ 'aria-label': 'Đóng trình đơn' }}>
        <Stack gap="xs" component="nav" aria-label="Điều hướng chính">
          {links(true)}
        </Stack>
        <Divider my="md" />
        <Account drawer />
      </Drawer>
      <main id="noi-dung" tabIndex={-1} className={classes.main}>
        <Container size="lg" py="xl">
          {state.kind === 'signed-out' && state.error ? (
            <Alert color="red" variant="light" title="Chưa đăng nhập được" role="alert" mb="lg">
              {state.error}
            </Alert>
          ) : null}
          <Outlet />
        </Container>
      </main>
      <footer className={classes.footer}>
        <Container size="lg" py="md">
          <Text size="sm" c="dimmed">
            Bộ phận Tiếp nhận và Trả kết quả. Thời gian hiển thị theo giờ Việt Nam (GMT+7).
          </Text>
        </Container>
      </footer>
    </div>
  );
}

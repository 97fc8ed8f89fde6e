import { AppShell, Burger, Button, Group, NavLink as MantineNavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { PATHS } from './paths';
import { useSession, type OfficerRole } from './session';
import classes from './ConsoleLayout.module.css';

const NAV: Array<{ to: string; label: string; roles: OfficerRole[] }> = [
  { to: PATHS.worklist, label: 'Hồ sơ', roles: ['one_stop_officer', 'specialist', 'leader', 'admin'] },
  { to: PATHS.counterIntake, label: 'Tiếp nhận tại quầy', roles: ['one_stop_officer'] },
  { to: PATHS.legs, label: 'Hồ sơ liên thông', roles: ['one_stop_officer', 'specialist', 'leader'] },
  { to: PATHS.supervision, label: 'Giám sát, thống kê', roles: ['supervisor', 'leader', 'admin'] },
  { to: PATHS.calendars, label: 'Lịch làm việc', roles: ['admin'] },
  { to: PATHS.webhooks, label: 'Kết nối (webhook)', roles: ['admin'] },
];

/** The console's frame: a skip link, the header (who is signed in), the menu of the officer's roles, the screen. */
export function ConsoleLayout() {
  const { me, has, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const firstPath = useRef(pathname);
  useEffect(() => {
    close();
    // After a move within the console, the keyboard and screen readers start at the new screen.
    if (pathname !== firstPath.current) {
      firstPath.current = '';
      document.getElementById('noi-dung')?.focus({ preventScroll: true });
    }
  }, [pathname, close]);

  const roles = [...new Set(me.agencies.flatMap((a) => a.roles.map((r) => r.label)))].join(', ');
  const links = NAV.filter((n) => n.roles.some((r) => has(r)));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#noi-dung" className={classes.skip}>
        Bỏ qua đến nội dung chính
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" color="white" aria-label={opened ? 'Đóng trình đơn' : 'Mở trình đơn'} />
            <Text fw={700} size="lg">
              Phần mềm một cửa
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <div className={classes.who}>
              <Text size="sm" fw={600} lh={1.2} data-testid="officer-name">
                {me.fullName}
              </Text>
              <Text size="xs" lh={1.2} visibleFrom="sm">
                {roles}
              </Text>
            </div>
            <Button variant="white" size="xs" onClick={signOut}>
              Đăng xuất
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Điều hướng chính">
        <Stack gap={4}>
          {links.map((l) => (
            <MantineNavLink key={l.to} component={NavLink} to={l.to} label={l.label} active={pathname === l.to || pathname.startsWith(`${l.to}/`)} aria-current={pathname === l.to ? 'page' : undefined} />
          ))}
        </Stack>
        <Text size="xs" c="dimmed" mt="auto">
          {me.agencies.map((a) => a.name).join('; ')}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main id="noi-dung" tabIndex={-1} className={classes.main}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

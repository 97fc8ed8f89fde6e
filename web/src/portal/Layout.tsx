import { Anchor, Box, Burger, Container, Drawer, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import classes from './Layout.module.css';

const LINKS = [
  { to: '/', label: 'Thủ tục hành chính', end: false },
  { to: '/tra-cuu', label: 'Tra cứu hồ sơ', end: true },
];

/** The portal's frame: a skip link, the header with its menu (a drawer on phones), the page, the footer. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
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
        aria-current={(l.to === '/' ? pathname === '/' || pathname.startsWith('/thu-tuc') : pathname === l.to) ? 'page' : undefined}
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
            <Group gap={4} visibleFrom="sm" component="nav" aria-label="Điều hướng chính">
              {links(false)}
            </Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" color="white" aria-label={opened ? 'Đóng trình đơn' : 'Mở trình đơn'} />
          </Group>
        </Container>
      </Box>
      <Drawer opened={opened} onClose={close} title="Trình đơn" size="xs" closeButtonProps={{ 'aria-label': 'Đóng trình đơn' }}>
        <Stack gap="xs" component="nav" aria-label="Điều hướng chính">
          {links(true)}
        </Stack>
      </Drawer>
      <main id="noi-dung" tabIndex={-1} className={classes.main}>
        <Container size="lg" py="xl">
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

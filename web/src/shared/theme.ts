import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/** One look for the portal and the console: Be Vietnam Pro (self-hosted), the state's red and a calm blue. */
export const theme = createTheme({
  fontFamily: '"Be Vietnam Pro", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontFamily: '"Be Vietnam Pro", system-ui, sans-serif', fontWeight: '700' },
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'md',
});

/**
 * Colours that pass WCAG AA (4.5:1) where Mantine's defaults do not: secondary text ("dimmed"),
 * error messages, and the text of light variants (badges, alerts), in the 9th shade of their
 * colour darkened by a quarter, on the pale background.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(Object.keys(t.colors).map((c) => [`--mantine-color-${c}-light-color`, `color-mix(in srgb, var(--mantine-color-${c}-9) 75%, black)`])),
  },
  dark: {},
});

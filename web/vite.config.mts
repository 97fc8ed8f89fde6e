import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The portal (index.html, at `/`) and the staff console (console/index.html, at `/console/`),
 * built into dist/web of the repository, which the API serves (api/web.ts). Assets carry a
 * hash in their names (served immutable); fonts and images stay files (no data: URLs).
 */
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: process.env.WEB_OUT_DIR ?? path.join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: { portal: path.join(here, 'index.html'), console: path.join(here, 'console', 'index.html') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});

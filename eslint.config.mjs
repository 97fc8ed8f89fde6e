import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The floors of the house (README "Layout"), enforced here so that a lint error is a build error:
 * - workflows/ import domain/ and their message contracts only (deterministic, replayed);
 * - only db/ imports knex or pg (composition roots, scripts, tests and benchmarks wire a connection);
 * - only the HTTP layer (api/) imports express or api/ itself;
 * - domain/ imports nothing of the project's I/O;
 * - web/ (the portal and the console, in the browser) imports none of the server: it talks to it over HTTP.
 */
const IO_PACKAGES = ['knex', 'pg', 'ioredis', 'bullmq', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'];
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process', 'net'];

const noKnex = { group: ['knex', 'pg'], message: 'Only db/ talks to PostgreSQL: call a repository in db/repositories/.' };
const noExpress = { group: ['express', 'express/*'], message: 'Only the HTTP layer (api/) knows Express.' };
const noApi = { group: ['**/api', '**/api/*'], message: 'Only the HTTP layer imports api/: services throw domain errors (domain/errors.ts).' };

/** Folders outside the HTTP layer and outside db/: services, activities, workers, platform, integrations. */
const SERVICES = [
  'activities/**/*.ts',
  'calendars/**/*.ts',
  'delivery/**/*.ts',
  'documents/**/*.ts',
  'forms/**/*.ts',
  'dossiers/**/*.ts',
  'integrations/**/*.ts',
  'notifications/**/*.ts',
  'payments/**/*.ts',
  'platform/**/*.ts',
  'supervision/**/*.ts',
  'webhooks/**/*.ts',
  'worker/**/*.ts',
];
/** Composition roots may wire a connection. */
const ROOTS = ['api/main.ts', 'worker/main.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', require: 'readonly', module: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: SERVICES,
    ignores: ROOTS,
    rules: { 'no-restricted-imports': ['error', { patterns: [noKnex, noExpress, noApi] }] },
  },
  {
    files: ['api/**/*.ts'],
    ignores: ROOTS,
    rules: { 'no-restricted-imports': ['error', { patterns: [noKnex] }] },
  },
  {
    // Routes match their exact case (issue 14): every router comes from apiRouter() (api/router.ts).
    files: ['api/**/*.ts'],
    ignores: ['api/router.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='Router'], CallExpression[callee.property.name='Router']", message: 'Use apiRouter() (api/router.ts): routers must be case-sensitive like the app.' },
      ],
    },
  },
  {
    // Pure logic: no I/O, no other layer of the project.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IO_PACKAGES, message: 'domain/ is pure logic: no I/O.' },
            { group: ['../*', '!../domain', '!../domain/*'], message: 'domain/ imports only domain/.' },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: no Node built-ins, no I/O, activities as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'Workflow code must stay deterministic: no Node built-ins.' },
            { group: IO_PACKAGES, message: 'Workflow code must not do I/O.' },
            {
              // Up the tree only into domain/, the contracts or (as types) the activities.
              regex: '^(\\.\\./)+(?!\\.\\./|domain(/|$)|contracts(/|$)|activities(/|$))',
              message: 'Workflows import domain/ and their message contracts only.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only.' }] },
      ],
    },
  },
  {
    // The browser side: DOM globals, the rules of React hooks, and nothing of the server.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...NODE_BUILTINS, ...IO_PACKAGES, 'zod', '@temporalio/*'], message: 'web/ runs in the browser: it calls the API through the generated client (web/src/api).' },
            { regex: '^(\\.\\./){3,}', message: 'web/ imports only web/: the server is reached over HTTP.' },
          ],
        },
      ],
    },
  },
);

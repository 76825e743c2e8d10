// @ts-check
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'The core must not depend on vscode: put editor code in src/vscode/.', allowTypeImports: true };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test-host/**', 'test/fixtures/**', 'test-results/**', 'bench-results/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The CLI, the shared protocol and the webview never import 'vscode' at run time.
    files: ['src/cli/**/*.ts', 'src/shared/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  {
    // The pure core never imports 'vscode' at run time, and owns its types: it keeps and saves its own
    // records (core/chat/records.ts) and emits its own events (core/chat/events.ts). Flat config replaces
    // a rule's options per block, so the core's block repeats the vscode restriction.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              group: ['**/shared/protocol', '**/shared/protocol.js'],
              message: 'The core owns its types: use its records and events, and map them to the protocol in src/vscode/chat/toWebview.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);

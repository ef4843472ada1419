import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.deskmate/**',
      '.scratch/**',
      'bench/results/**',
      'e2e/screenshots/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['admin-ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The dependency direction is a rule: shared imports no other workspace; the bot never
    // imports api internals; the console talks to the API only through the shared client.
    files: ['shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@deskmate/*', '../../*/src/*', 'node:*', 'pg', 'express'] }],
    },
  },
  {
    files: ['kb/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@deskmate/api', '@deskmate/bot', '@deskmate/admin-ui', '../../api/*', '../../bot/*'] },
      ],
    },
  },
  {
    files: ['bot/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@deskmate/api', '@deskmate/api/*', '@deskmate/kb', '../../api/*'] },
      ],
    },
  },
  {
    files: ['admin-ui/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@deskmate/api', '@deskmate/bot', '@deskmate/kb', '../../api/*'] },
      ],
    },
  },
  {
    files: ['src/cli.ts', 'scripts/**', 'bench/**', 'test/**', 'e2e/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);

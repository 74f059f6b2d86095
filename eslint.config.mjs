// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Layering (issue 12 point 5): src/common is the bottom layer (errors, HTTP helpers, logging,
    // metrics, DTO helpers). It may import config/, database/ and libraries, never auth/, the queue,
    // a feature module, the health endpoints, the scripts or the bootstrap that wires them together.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+(auth|queue|modules|health|redis|bootstrap|scripts)(/|$)|^(\\.\\./)+(app|core|worker)\\.module$|^(\\.\\./)+(main|worker)$',
              message:
                'src/common imports nothing from auth/, queue/, modules/, health/, redis/, bootstrap/ or scripts/: move the code that needs them out of common (README, Layout).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

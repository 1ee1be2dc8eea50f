// The dependency direction of DESIGN.md is a checked rule (STYLE.md 13):
// proto/gen <- lib <- (services | agent | cli) <- cmd.
const tseslint = require('typescript-eslint');
const importPlugin = require('eslint-plugin-import');

const zone = (target, from, message) => ({ target, from, message });
module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'proto/gen/**', 'charts/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', {
        zones: [
          zone('./lib', ['./services', './agent', './cli', './cmd', './e2e', './bench'], 'lib/ is shared by every process and imports only proto/gen'),
          zone('./proto/gen', ['./lib', './services', './agent', './cli', './cmd'], 'generated code imports nothing of ours'),
          zone('./services', ['./agent', './cli', './cmd'], 'services meet the agent and CLI only through the API'),
          zone('./services/apiserver', ['./services/scheduler', './services/controllers'], 'components meet only through the API'),
          zone('./services/scheduler', ['./services/apiserver', './services/controllers'], 'components meet only through the API'),
          zone('./services/controllers', ['./services/apiserver', './services/scheduler'], 'components meet only through the API'),
          zone('./agent', ['./services', './cli', './cmd'], 'the agent meets the control plane only through the API'),
          zone('./cli', ['./services', './agent', './cmd'], 'the CLI talks only to the API'),
        ],
      }],
    },
  },
);

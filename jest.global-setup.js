// Cross-process tests spawn `node dist/cmd/berth.js`: compile once before they run.
const { execFileSync } = require('node:child_process');
module.exports = async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: __dirname });
};

import type { Command } from 'commander';
import { configPath, readConfig, useContext } from '../../lib/config/config';
import { NotFoundError } from '../../lib/errors';
import { action } from '../errors';
import { formatTable } from '../printers/table';

export function registerConfig(program: Command): void {
  const config = program.command('config').description(`show or switch cluster contexts (${'$BERTH_CONFIG'} or ~/.berth/config)`);
  config
    .command('get-contexts')
    .description('list the contexts')
    .action(
      action(async () => {
        const cfg = await readConfig(configPath());
        const rows = [['CURRENT', 'NAME', 'SERVER', 'NAMESPACE'], ...cfg.contexts.map((c) => [c.name === cfg.currentContext ? '*' : '', c.name, c.server, c.namespace ?? ''])];
        process.stdout.write(formatTable(rows));
      }),
    );
  config
    .command('current-context')
    .description('print the current context')
    .action(
      action(async () => {
        const cfg = await readConfig(configPath());
        if (!cfg.currentContext) throw new NotFoundError(`current-context is not set in ${configPath()}`);
        process.stdout.write(`${cfg.currentContext}\n`);
      }),
    );
  config
    .command('use-context')
    .description('make a context current')
    .argument('<name>')
    .action(
      action(async (name: string) => {
        await useContext(name, { file: configPath() });
        process.stdout.write(`Switched to context "${name}".\n`);
      }),
    );
}

import type { Command } from 'commander';
import { BERTH_VERSION } from '../../lib/version';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';

export function registerVersion(program: Command): void {
  withConnectionOptions(
    program
      .command('version')
      .description('print the client and server versions')
      .option('--client', 'the client version only'),
  ).action(
    action(async (flags: { client?: boolean; server?: string }) => {
      process.stdout.write(`Client Version: ${BERTH_VERSION}\n`);
      if (flags.client) return;
      await withSession(flags, async (s) => {
        const v = await s.client.version();
        process.stdout.write(`Server Version: ${v.version}${v.gitCommit ? ` (${v.gitCommit})` : ''}\n`);
        if (v.etcdVersion) process.stdout.write(`etcd Version: ${v.etcdVersion}\n`);
      });
    }),
  );
}

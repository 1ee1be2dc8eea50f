import type { Command } from 'commander';
import { ExecInput, type ExecOutput } from '../../lib/api/types';
import { BadRequestError } from '../../lib/errors';
import { fromGrpcError } from '../../lib/api/grpc-status';
import { withConnectionOptions, withSession } from '../connection';
import { action } from '../errors';
import { pickContainer } from './container-choice';

interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  server?: string;
  namespace?: string;
}

/** Puts the local terminal in raw mode (keys go to the remote side as typed); returns the undo. */
function rawTerminal(): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => undefined;
  stdin.setRawMode(true);
  return () => stdin.setRawMode(false);
}

async function run(args: string[], flags: ExecFlags): Promise<void> {
  const [name, ...command] = args;
  if (!name || command.length === 0) throw new BadRequestError('usage: berth exec POD [-c NAME] [-i] [-t] -- COMMAND [ARGS...]');
  if (flags.tty && !flags.stdin) process.stderr.write('Unable to use a TTY - input is not attached (use -i with -t)\n');
  const tty = !!flags.tty && !!flags.stdin;
  await withSession(flags, async (s) => {
    const namespace = s.target.namespace;
    const pod = await s.client.get('pods', namespace, name);
    const container = pickContainer(pod, flags.container);
    const call = s.client.exec();
    call.write(ExecInput.fromPartial({ start: { namespace, pod: name, container, command, tty, stdin: !!flags.stdin } }));
    const restore = tty ? rawTerminal() : () => undefined;
    const onData = (chunk: Buffer) => call.write(ExecInput.fromPartial({ stdin: chunk }));
    const onEnd = () => {
      call.write(ExecInput.fromPartial({ stdinEof: true }));
      call.end();
    };
    if (flags.stdin) {
      process.stdin.on('data', onData);
      process.stdin.once('end', onEnd);
    } else {
      call.end();
    }
    try {
      const exitCode = await new Promise<number | undefined>((resolve, reject) => {
        let code: number | undefined;
        call.on('data', (m: ExecOutput) => {
          if (m.stdout.length > 0) process.stdout.write(m.stdout);
          if (m.stderr.length > 0) process.stderr.write(m.stderr);
          if (m.exitCode !== undefined) code = m.exitCode;
        });
        call.on('error', (err) => reject(fromGrpcError(err)));
        call.on('end', () => resolve(code));
      });
      // the remote command's exit code is ours, as with kubectl/docker exec
      if (exitCode !== undefined && exitCode !== 0) process.exitCode = exitCode;
    } finally {
      restore();
      if (flags.stdin) {
        process.stdin.off('data', onData);
        process.stdin.off('end', onEnd);
        process.stdin.pause();
      }
    }
  });
}

export function registerExec(program: Command): void {
  withConnectionOptions(
    program
      .command('exec')
      .description('run a command in a container of a pod (through the apiserver, on the pod\'s node)')
      .argument('<pod-and-command...>', 'POD -- COMMAND [ARGS...]')
      .option('-c, --container <name>', 'the container (optional when the pod has one)')
      .option('-i, --stdin', 'pass stdin to the command')
      .option('-t, --tty', 'allocate a terminal (with -i)'),
  ).action(action((args: string[], flags: ExecFlags) => run(args, flags)));
}

import type { Command } from 'commander';

/** Registers this component's subcommands on the berth program. */
export function register(_program: Command): void {
  // filled in by the component
}

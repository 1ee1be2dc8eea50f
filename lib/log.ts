import pino from 'pino';

export type Logger = pino.Logger;

/**
 * The process-wide structured logger. Components take child loggers bound to their context:
 * `logger.child({ component: 'scheduler' })`, then `{ kind, key }` per item (STYLE.md 11).
 * BERTH_LOG_LEVEL sets the level (default info; "silent" in tests unless set).
 */
export function createLogger(bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const level = process.env.BERTH_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  return pino({ level, base: { pid: process.pid, ...bindings } }, destination ?? pino.destination(2));
}

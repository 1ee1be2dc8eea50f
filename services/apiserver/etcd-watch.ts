import type { Etcd3 } from 'etcd3';
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3/lib/rpc';
import type { Logger } from '../../lib/log';

// One etcd watch over a key prefix on the raw watch stream, resumed after any stream error
// from the last revision it delivered + 1, so no event is skipped or repeated (the etcd3
// client's own watcher can skip events on reconnect: notes/cluster-facts.md).

export interface EtcdWatchHandlers {
  /** Events of one or more whole revisions, in order. */
  onEvents(events: IEvent[]): void;
  /** Every change up to `revision` has been delivered. */
  onProgress(revision: number): void;
  /** The start revision is compacted: the watch has ended. */
  onCompacted(compactRevision: number): void;
}

export interface EtcdWatch {
  close(): void;
}

export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export function watchPrefix(client: Etcd3, prefix: string, startRevision: number, handlers: EtcdWatchHandlers, log: Logger): EtcdWatch {
  let next = startRevision;
  let closed = false;
  let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  let retryDelay = 100;
  const key = Buffer.from(prefix);

  const reopen = (err: unknown): void => {
    if (closed) return;
    stream?.cancel();
    stream = undefined;
    log.warn({ err, prefix, resumeFrom: next }, 'etcd watch stream broke; resuming');
    setTimeout(open, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5_000);
  };

  const onData = (res: IWatchResponse): void => {
    if (closed) return;
    // etcd answers a create it refuses with created and canceled together: check canceled first.
    if (res.canceled) {
      const compact = Number(res.compact_revision);
      if (compact > 0) {
        closed = true;
        stream?.cancel();
        handlers.onCompacted(compact);
        return;
      }
      reopen(new Error(`watch canceled: ${res.cancel_reason}`));
      return;
    }
    if (res.created) {
      retryDelay = 100;
      return;
    }
    if (res.events.length > 0) {
      next = Number(res.events[res.events.length - 1].kv.mod_revision) + 1;
      handlers.onEvents(res.events);
      return;
    }
    // A progress notification: the stream is caught up to the header revision.
    const rev = Number(res.header.revision);
    if (rev >= next) {
      next = rev + 1;
      handlers.onProgress(rev);
    }
  };

  const open = (): void => {
    if (closed) return;
    client.watchClient.watch().then(
      (s) => {
        if (closed) {
          s.cancel();
          return;
        }
        stream = s;
        s.on('data', onData);
        s.on('error', (err) => stream === s && reopen(err));
        s.on('end', () => stream === s && reopen(new Error('stream ended')));
        s.write({ create_request: { key, range_end: prefixEnd(key), start_revision: next, prev_kv: true, progress_notify: true } });
      },
      (err: unknown) => reopen(err),
    );
  };
  open();
  return {
    close() {
      closed = true;
      stream?.cancel();
      stream = undefined;
    },
  };
}

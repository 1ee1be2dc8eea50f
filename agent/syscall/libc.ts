// The C library through koffi FFI, for the system calls Node lacks, and errors shaped like Node's.
import * as os from 'node:os';
import koffi from 'koffi';

export const libc = koffi.load('libc.so.6');

const errnoNames = new Map(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

/** The last call's errno as an error of the same shape as Node's own fs errors, so callers branch on `code`. */
export function sysError(call: string, path: string): NodeJS.ErrnoException {
  const errno = koffi.errno();
  const code = errnoNames.get(errno) ?? `E${errno}`;
  const err: NodeJS.ErrnoException = new Error(`${code}: ${call} ${path}`);
  err.code = code;
  err.errno = errno;
  err.syscall = call;
  err.path = path;
  return err;
}

import * as fs from 'node:fs';
import { classifyProcess, parseCmdline, parseStat, processLiveness, readProc, type ProcSnapshot } from './proc-identity';

const argv = ['/usr/bin/node', '/repo/dist/cmd/berth.js', 'apiserver', '--listen', '10.77.0.1:6443'];
const wrapper = ['nsenter', '--net=/var/run/netns/n1', '--'];
const proc = (cmdline: string[], state = 'S', flags = 0x400000): ProcSnapshot => ({ cmdline, state, flags });

describe('stale PID detection', () => {
  it.each([
    ['the same argv', proc(argv), 'running'],
    ['no such process', undefined, 'gone'],
    ['a zombie', proc([], 'Z'), 'gone'],
    ['a process inside execve (argv reads empty)', proc([], 'R'), 'running'],
    ['a kernel thread on the reused PID', proc([], 'S', 0x00208040), 'reused'],
    ['another program on the reused PID', proc(['/usr/bin/sleep', '100']), 'reused'],
    ['berth with other flags', proc([...argv.slice(0, 4), '127.0.0.1:1']), 'reused'],
    ['our argv as a prefix of a longer one', proc([...argv, '--extra']), 'reused'],
  ])('%s → %s', (_what, p, expected) => {
    expect(classifyProcess({ argv }, p)).toBe(expected);
  });

  it('accepts the wrapper that has not exec-ed yet, only as a wrapper of our argv', () => {
    expect(classifyProcess({ argv, wrapper }, proc([...wrapper, ...argv]))).toBe('running');
    expect(classifyProcess({ argv, wrapper }, proc(argv))).toBe('running');
    expect(classifyProcess({ argv, wrapper }, proc([...wrapper, 'sleep', '1']))).toBe('reused');
    expect(classifyProcess({ argv }, proc([...wrapper, ...argv]))).toBe('reused');
  });

  it('parses /proc cmdline and stat', () => {
    expect(parseCmdline('etcd\0--name\0a b\0')).toEqual(['etcd', '--name', 'a b']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseStat('42 (a (weird) name) Z 1 42 42 0 -1 4194560 0 0')).toEqual({ state: 'Z', flags: 4194560 });
  });

  it('recognises this very process and a PID that is not there', () => {
    const self = parseCmdline(fs.readFileSync(`/proc/${process.pid}/cmdline`, 'utf8'));
    expect(readProc(process.pid)?.state).toMatch(/[RS]/);
    expect(processLiveness({ name: 'me', pid: process.pid, argv: self, logFile: '' })).toBe('running');
    expect(processLiveness({ name: 'me', pid: process.pid, argv: ['other'], logFile: '' })).toBe('reused');
    expect(processLiveness({ name: 'x', pid: 2 ** 22 + 1, argv: ['x'], logFile: '' })).toBe('gone');
  });
});

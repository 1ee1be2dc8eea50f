import * as fs from 'node:fs';
import { classifyProcess, parseCmdline, processLiveness } from './proc-identity';

const argv = ['/usr/bin/node', '/repo/dist/cmd/berth.js', 'apiserver', '--listen', '10.77.0.1:6443'];

describe('stale PID detection', () => {
  it.each([
    ['the same argv', argv, 'running'],
    ['no such process', undefined, 'gone'],
    ['a zombie (empty cmdline)', [], 'gone'],
    ['another program on the reused PID', ['/usr/bin/sleep', '100'], 'reused'],
    ['berth with other flags', [...argv.slice(0, 4), '127.0.0.1:1'], 'reused'],
    ['our argv as a prefix of a longer one', [...argv, '--extra'], 'reused'],
  ])('%s → %s', (_what, cmdline, expected) => {
    expect(classifyProcess({ argv }, cmdline)).toBe(expected);
  });

  it('accepts the wrapper that has not exec-ed yet, only as a wrapper of our argv', () => {
    const wrapper = ['nsenter', '--net=/var/run/netns/n1', '--'];
    expect(classifyProcess({ argv, wrapper }, [...wrapper, ...argv])).toBe('running');
    expect(classifyProcess({ argv, wrapper }, argv)).toBe('running');
    expect(classifyProcess({ argv, wrapper }, [...wrapper, 'sleep', '1'])).toBe('reused');
    expect(classifyProcess({ argv }, [...wrapper, ...argv])).toBe('reused');
  });

  it('parses NUL-separated /proc cmdlines', () => {
    expect(parseCmdline('etcd\0--name\0a b\0')).toEqual(['etcd', '--name', 'a b']);
    expect(parseCmdline('')).toEqual([]);
  });

  it('recognises this very process and a PID that is not there', () => {
    const self = parseCmdline(fs.readFileSync(`/proc/${process.pid}/cmdline`, 'utf8'));
    expect(processLiveness({ name: 'me', pid: process.pid, argv: self, logFile: '' })).toBe('running');
    expect(processLiveness({ name: 'me', pid: process.pid, argv: ['other'], logFile: '' })).toBe('reused');
    expect(processLiveness({ name: 'x', pid: 2 ** 22 + 1, argv: ['x'], logFile: '' })).toBe('gone');
  });
});

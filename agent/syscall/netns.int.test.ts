import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createNetns, deleteNetns } from './netns';

// Real namespaces under /var/run/netns (named after this test process), removed in afterAll.
const name = (i: number) => `berth-nstest-${process.pid}-${i}`;
const nsPath = (i: number) => `/var/run/netns/${name(i)}`;
const ip = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const ownNetns = () => fs.readlinkSync('/proc/thread-self/ns/net');

afterAll(() => {
  for (let i = 0; i < 3; i++) deleteNetns(nsPath(i));
});

test('createNetns pins a new namespace with lo up; the thread stays in its own; deleteNetns removes it', () => {
  const before = ownNetns();
  createNetns(nsPath(0));
  expect(ownNetns()).toBe(before);
  expect(fs.readlinkSync(`/proc/self/task/${process.pid}/ns/net`)).toBe(before);
  expect(ip(['netns', 'list'])).toContain(name(0));
  expect(ip(['-n', name(0), '-o', 'link', 'show', 'lo'])).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
  // A namespace of its own: no interfaces of the host's.
  expect(ip(['-n', name(0), '-o', 'link']).trim().split('\n')).toHaveLength(1);
  deleteNetns(nsPath(0));
  expect(fs.existsSync(nsPath(0))).toBe(false);
  expect(ip(['netns', 'list'])).not.toContain(name(0));
  deleteNetns(nsPath(0)); // a missing one is fine
});

test('two namespaces are distinct; creating one that exists fails and leaves it intact', () => {
  createNetns(nsPath(1));
  createNetns(nsPath(2));
  expect(fs.statSync(nsPath(1)).ino).not.toBe(fs.statSync(nsPath(2)).ino);
  const ino = fs.statSync(nsPath(1)).ino;
  expect(() => createNetns(nsPath(1))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  expect(fs.statSync(nsPath(1)).ino).toBe(ino);
  expect(ip(['-n', name(1), '-o', 'link', 'show', 'lo'])).toMatch(/UP/);
});

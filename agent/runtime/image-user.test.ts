import { resolveImageUser, UnknownUserError } from './image-user';

const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1::/usr/sbin:/bin/false', 'app:x:1000:1001:App:/home/app:/bin/sh', '# comment', ''].join('\n');
const GROUP = ['root:x:0:', 'staff:x:50:app,other', 'appgrp:x:1001:', 'wheel:x:10:app'].join('\n');

describe('resolveImageUser', () => {
  test.each([
    ['empty means root', '', { uid: 0, gid: 0, additionalGids: [], home: '/root' }],
    ['numeric root', '0', { uid: 0, gid: 0, additionalGids: [], home: '/root' }],
    ['numeric uid in passwd takes its gid and home', '1000', { uid: 1000, gid: 1001, additionalGids: [], home: '/home/app' }],
    ['numeric uid not in passwd: gid 0, home /', '4242', { uid: 4242, gid: 0, additionalGids: [], home: '/' }],
    ['numeric uid:gid', '4242:4343', { uid: 4242, gid: 4343, additionalGids: [], home: '/' }],
    ['named user gets member groups', 'app', { uid: 1000, gid: 1001, additionalGids: [50, 10], home: '/home/app' }],
    ['named user with named group', 'app:staff', { uid: 1000, gid: 50, additionalGids: [], home: '/home/app' }],
    ['named user with numeric group', 'daemon:7', { uid: 1, gid: 7, additionalGids: [], home: '/usr/sbin' }],
  ])('%s', (_name, spec, want) => expect(resolveImageUser(spec, PASSWD, GROUP)).toEqual(want));

  test.each([
    ['unknown user name', 'nobody'],
    ['unknown group name', 'app:nogroup'],
    ['named user without passwd file', 'app'],
  ])('%s is an UnknownUserError', (name, spec) => {
    const passwd = name.includes('without') ? '' : PASSWD;
    expect(() => resolveImageUser(spec, passwd, GROUP)).toThrow(UnknownUserError);
  });

  test('root without passwd file', () => expect(resolveImageUser(undefined)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/' }));
});

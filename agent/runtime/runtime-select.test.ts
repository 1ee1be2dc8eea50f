import { chooseRuntime, NoRuntimeError, type HostFacts } from './runtime-select';

const both = { crun: '/usr/bin/crun', runc: '/usr/sbin/runc' };
describe('chooseRuntime', () => {
  test.each([
    ['crun on a clean host', 'crun', { binaries: both, hybridWithControllers: false, unshare: true }, { name: 'crun', wrapped: false }],
    ['crun on hybrid cgroups gets the private mount', 'crun', { binaries: both, hybridWithControllers: true, unshare: true }, { name: 'crun', wrapped: true }],
    ['crun on hybrid without unshare falls back to runc', 'crun', { binaries: both, hybridWithControllers: true, unshare: false }, { name: 'runc', wrapped: false }],
    ['crun missing falls back to runc', 'crun', { binaries: { runc: '/usr/sbin/runc' }, hybridWithControllers: false, unshare: true }, { name: 'runc', wrapped: false }],
    ['runc preferred on hybrid', 'runc', { binaries: both, hybridWithControllers: true, unshare: true }, { name: 'runc', wrapped: false }],
    ['runc missing falls back to wrapped crun', 'runc', { binaries: { crun: '/usr/bin/crun' }, hybridWithControllers: true, unshare: true }, { name: 'crun', wrapped: true }],
  ] as [string, 'crun' | 'runc', HostFacts, { name: string; wrapped: boolean }][])('%s', (_n, preferred, facts, want) => {
    const c = chooseRuntime(preferred, facts);
    expect({ name: c.name, wrapped: c.needsPrivateCgroupMount }).toEqual(want);
    expect(c.binary).toBe(facts.binaries[c.name]);
    expect(c.reason).not.toBe('');
  });

  test('nothing usable', () => expect(() => chooseRuntime('crun', { binaries: {}, hybridWithControllers: false, unshare: true })).toThrow(NoRuntimeError));
});

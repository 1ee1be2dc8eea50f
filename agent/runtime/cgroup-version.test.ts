import { detectCgroupVersion, isHybridWithControllers, parseOomKillCount } from './cgroup-version';

const V2 = 'sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n';
const V1 = 'tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n';
const HYBRID = V1 + 'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n';

describe('detectCgroupVersion', () => {
  test.each([
    ['unified at /sys/fs/cgroup', V2, 'v2'],
    ['v1 controllers only', V1, 'v1'],
    ['hybrid (cgroup2 at unified/)', HYBRID, 'v1'],
    ['nothing mounted', 'proc /proc proc rw 0 0\n', 'v2'],
    ['empty text', '', 'v2'],
  ])('%s', (_name, text, want) => expect(detectCgroupVersion(text)).toBe(want));
});

describe('isHybridWithControllers', () => {
  test.each([
    ['hybrid with hugetlb in unified', HYBRID, 'hugetlb\n', true],
    ['hybrid, unified empty', HYBRID, '\n', false],
    ['pure v1', V1, 'hugetlb', false],
    ['pure v2', V2, 'cpu memory', false],
  ])('%s', (_name, mounts, controllers, want) => expect(isHybridWithControllers(mounts, controllers)).toBe(want));
});

describe('parseOomKillCount', () => {
  test.each([
    ['v1 oom_control after a kill', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n', 2],
    ['v1 oom_control, none', 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n', 0],
    ['v2 memory.events', 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n', 1],
    ['missing line', 'oom_kill_disable 0\n', 0],
  ])('%s', (_name, text, want) => expect(parseOomKillCount(text)).toBe(want));
});

import { Deployment } from '../../lib/api/types';
import { pause, RESTARTED_AT_ANNOTATION, restart, resume } from './rollout-edits';

const d = (paused: boolean) => Deployment.fromPartial({ metadata: { name: 'web' }, spec: { paused, replicas: 2, template: { metadata: { labels: { app: 'web' }, annotations: { keep: 'me' } }, spec: { containers: [{ name: 'web', image: 'app:1' }] } } } });
const now = new Date('2024-05-01T10:00:00.000Z');

describe('rollout edits', () => {
  test('pause and resume flip spec.paused and refuse a no-op', () => {
    expect(pause(d(false), now).spec?.paused).toBe(true);
    expect(resume(d(true), now).spec?.paused).toBe(false);
    expect(() => pause(d(true), now)).toThrow('deployments.apps "web" is already paused');
    expect(() => resume(d(false), now)).toThrow('deployments.apps "web" is not paused');
  });
  test('restart stamps the template (so it hashes differently), keeping the rest', () => {
    const r = restart(d(false), now);
    expect(r.spec?.template?.metadata?.annotations).toEqual({ keep: 'me', [RESTARTED_AT_ANNOTATION]: '2024-05-01T10:00:00.000Z' });
    expect(r.spec?.template?.metadata?.labels).toEqual({ app: 'web' });
    expect(r.spec?.replicas).toBe(2);
  });
  test('a paused deployment cannot restart', () => {
    expect(() => restart(d(true), now)).toThrow("can't restart paused deployment \"web\" (run rollout resume first)");
  });
});

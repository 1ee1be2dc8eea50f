import { Pod } from '../../lib/api';
import { FakeClock } from '../../lib/controller';
import { IMAGE_DIGESTS_ANNOTATION } from '../pod/pod-image';
import { SimulatedPodHost } from './simulated-pod-host';

const DIGEST_REF = `docker.io/library/app@sha256:${'a'.repeat(64)}`;
const pod = (uid: string, annotations: Record<string, string>) =>
  Pod.fromPartial({ metadata: { name: uid, namespace: 'default', uid, annotations }, spec: { containers: [{ name: 'main', image: `app@sha256:${'a'.repeat(64)}` }] } });

describe('SimulatedPodHost image presence', () => {
  it('checks the image the pod will run (the recorded digest), as the real host does', async () => {
    const host = new SimulatedPodHost('n1', () => '10.244.1.0/24', new FakeClock());
    const pinned = { [IMAGE_DIGESTS_ANNOTATION]: JSON.stringify({ main: DIGEST_REF }) };
    expect((await host.observe(pod('u1', pinned))).imagePresent).toEqual({ main: false });
    await host.pullImage(pod('u1', pinned), DIGEST_REF);
    // A second pod of the same revision finds it: no pull, no Pulling/Pulled events.
    expect((await host.observe(pod('u2', pinned))).imagePresent).toEqual({ main: true });
  });
});

import { RealCluster } from "./real-cluster";
test('dbg', async () => {
  const rc = new RealCluster({ runtime: 'crun' });
  try {
    await rc.start();
    await rc.createPod(rc.podSpec('hello', [{ name: 'main', command: ['/bin/sh', '-c'], args: ['echo "$GREETING $0 $1"; echo oops >&2; exec sleep 100001', 'a1', 'b2'], env: [{ name: 'GREETING', value: 'hi' }] }]));
    await rc.waitPod('hello', (p) => p.status?.phase === 'Running', 'run');
    console.log(await rc.cli(['logs', 'hello']));
    console.log(await rc.cli(['exec', 'hello', '--', 'sh', '-c', 'echo hi; exit 3']));
    const n = await rc.client.get('nodes', '', rc.nodeName);
    console.log(JSON.stringify(n.status, null, 0).slice(0, 600));
    await rc.deletePods(['hello']);
  } finally { await rc.stop(); }
}, 300000);

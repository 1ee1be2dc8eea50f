import { agentEndpoint } from './agent-endpoint';

describe('agentEndpoint', () => {
  it.each([
    ['10.77.0.2:10250', '10.77.0.2', '10.77.0.2:10250'],
    ['0.0.0.0:10250', '192.168.1.5', '192.168.1.5:10250'],
    [':10250', '192.168.1.5', '192.168.1.5:10250'],
    ['[::]:10250', 'fd00::5', '[fd00::5]:10250'],
    ['127.0.0.1:4000', '192.168.1.5', '127.0.0.1:4000'],
    ['[::1]:4000', '192.168.1.5', '[::1]:4000'],
  ])('%s with node IP %s → %s', (listen, ip, want) => {
    expect(agentEndpoint(listen, ip)).toBe(want);
  });

  it('refuses an address without a port', () => {
    expect(() => agentEndpoint('0.0.0.0', '1.2.3.4')).toThrow(/host:port/);
  });
});

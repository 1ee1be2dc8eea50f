// The agent's cluster suite on runc (a cluster of its own; see agent-suite.ts).
import { defineAgentSuite } from './agent-suite';

jest.setTimeout(120_000);

describe('agent on runc, through the whole cluster', () => defineAgentSuite('runc'));

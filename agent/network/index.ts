export { CNI_VERSION, NETWORK_NAME, netnsName, podNetworkChain, type PortMapping } from './cni-config';
export { CniError } from './cni-plugin';
export { PodNetwork, type PodNetworkInfo, type PodNetworkOptions, type SetupOptions } from './pod-network';

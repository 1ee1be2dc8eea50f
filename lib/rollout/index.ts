export * from './template-hash';
export * from './history';

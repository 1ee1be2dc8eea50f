export * from './types';
export * from './kinds';
export * from './client';
export * from './grpc-status';

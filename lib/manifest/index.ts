export * from './load';
export * from './documents';
export * from './validate';
export * from './defaults';
export * from './to-manifest';
export { checkFields, type FieldCheck } from './check-fields';
export { UNIMPLEMENTED, KUBERNETES_NAMES, type UnimplementedField } from './kubernetes-fields';

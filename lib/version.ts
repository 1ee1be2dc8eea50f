import pkg from '../package.json';

export const BERTH_VERSION: string = pkg.version;

export {
  configFilePath,
  defaultConfigFile,
  loadConfig,
  parseConfig,
  parseTarget,
  type Config,
} from './load.js';
export { ConfigFileError, type ConfigProblem } from './problems.js';
export * from './schema.js';
export { resolveBiConnection, type BiConnection } from './connection.js';
export { parseDuration } from './duration.js';

/**
 * A stand-in for the SAP BI 4.x RESTful web services (biprws and Raylight), written from
 * /work/shared/api/bi4-rest.md and bi4-instances.md only, for tests, benchmarks and
 * `bidrop emulate`: documents, exports and prompts; instances, their files and server-side runs.
 */
export { startBiEmulator, demoCredentials } from './server.js';
export { sampleDocuments } from './fixtures.js';
export { sampleInstances } from './instance-fixtures.js';
export type {
  BiEmulator,
  BiEmulatorFaults,
  BiEmulatorOptions,
  BiEmulatorRights,
  BiEmulatorScheduleOptions,
  BiEmulatorStats,
} from './types.js';

/**
 * The BI platform client (SAP BusinessObjects BI 4.x RESTful web services and Raylight), written
 * from /work/shared/api/bi4-rest.md. Other modules import from this file only.
 */
export {
  createBiSource,
  type BiSource,
  type BiSourceOptions,
  type DocumentSelector,
} from './source.js';
export type { PromptInfo } from './prompts.js';
export { BiErrorCode, type BiErrorCodeValue } from './codes.js';
export { biEventLevel, describeBiEvent, type BiEvent } from './events.js';
export { exportMediaTypes } from './export.js';
export { quoteToken, unquoteToken } from './token.js';
export type { RecurringSchedule } from './recurring.js';
export { recurrenceToCron, type Translation } from './recurrence.js';
export { sniffType, type Sniffed } from './sniff.js';
export { ScheduleStatus, parseBiDate } from './instance-status.js';

/**
 * Publications: planning (documents, bursting, path templates) and the runner. The CLI, the
 * server and the dashboard import from here only.
 */
export {
  planPublication,
  burst,
  deliveryKey,
  describeDelivery,
  finalTarget,
  type AsIs,
  type Catalog,
  type Plan,
  type PlannedDelivery,
  type PlanOptions,
  type ExportOrigin,
} from './plan.js';
export { runPublication, type RunOptions, type RunResult } from './runner.js';
export type { DeliveryResult, DeliveryResultStatus, RunEvent } from './events.js';
export { renderPath, templateProblems, fixedTokens, type TemplateValues } from './template.js';
export { extensionOf, possibleExtensions } from './file-types.js';
export { sanitizeValue, sanitizeComponent } from './sanitize.js';
export {
  calendarTime,
  dateToken,
  fillDateTokens,
  formatCalendar,
  braceTokens,
  unknownDateToken,
  dateTokenNames,
  type CalendarTime,
} from './dates.js';

/** Bidrop's local state: the run history (SQLite). Other modules import from here only. */
export {
  History,
  isOrphaned,
  openHistory,
  type DeliveryOutcome,
  type DeliveryRow,
  type DeliveryStatus,
  type PlannedRow,
  type RunCounts,
  type RunRow,
  type RunStatus,
} from './history.js';

/**
 * How `bidrop run` shows a run: JSON lines for machines (`--json`), a live display on a terminal,
 * plain lines otherwise; then a summary table.
 */
import type { DeliveryResult, RunEvent, RunResult } from '../../publish/index.js';
import { formatTable } from '../table.js';

export type Reporter = { onEvent: (event: RunEvent) => void; stop: () => void };

/** JSON lines on `out`; progress events at most every 250 ms per delivery. */
export function jsonReporter(out: NodeJS.WritableStream): Reporter {
  const lastProgress = new Map<string, number>();
  return {
    onEvent(event) {
      if (event.type === 'delivery-progress') {
        const now = Date.now();
        if (now - (lastProgress.get(event.key) ?? 0) < 250) return;
        lastProgress.set(event.key, now);
      }
      out.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    },
    stop() {},
  };
}

/** One line per run start, delivery end and run end. */
export function lineReporter(err: NodeJS.WritableStream): Reporter {
  return {
    onEvent(event) {
      const line = plainLine(event);
      if (line) err.write(`${line}\n`);
    },
    stop() {},
  };
}

function plainLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return (
        `${event.publication}: run ${event.runId}${event.resumed ? ' (resumed)' : ''}, ` +
        `${event.total} deliveries to ${event.destination}` +
        (event.alreadyDone ? `, ${event.alreadyDone} already done` : '')
      );
    case 'delivery-end': {
      const r = event.result;
      const size = r.bytes === undefined ? '' : ` (${formatBytes(r.bytes)})`;
      const error = r.error ? `: ${r.error.code} ${r.error.message}` : '';
      return `  ${r.status} ${r.path ?? r.delivery.target}${size}${error}`;
    }
    case 'run-end':
      return `${event.publication}: ${event.status} (${countsText(event.counts)})`;
    case 'delivery-retry':
      return `  retrying ${event.key.slice(0, 8)} in ${(event.delayMs / 1000).toFixed(1)} s after ${event.code} (attempt ${event.attempt})`;
    default:
      return undefined;
  }
}

/** A block redrawn in place on a terminal: each running delivery with its bytes, then totals. */
export function liveReporter(err: NodeJS.WritableStream): Reporter {
  const running = new Map<string, { target: string; bytes: number; size?: number }>();
  let header = '';
  let done = 0;
  let total = 0;
  let bytes = 0;
  let drawn = 0;

  const draw = (): void => {
    const lines = [
      header,
      ...[...running.values()].map(
        (d) =>
          `  ↑ ${d.target}  ${formatBytes(d.bytes)}${d.size ? ` of ${formatBytes(d.size)}` : ''}`,
      ),
      `  ${done}/${total} done, ${formatBytes(bytes)}`,
    ];
    err.write(`${drawn ? `\x1b[${drawn}A` : ''}\x1b[0J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 200);
  timer.unref();

  return {
    onEvent(event) {
      switch (event.type) {
        case 'run-start':
          header = `${event.publication}: run ${event.runId} → ${event.destination}`;
          total = event.total;
          done = event.alreadyDone;
          drawn = 0;
          break;
        case 'delivery-start':
          running.set(event.key, { target: event.delivery.target, bytes: 0 });
          break;
        case 'delivery-progress': {
          const d = running.get(event.key);
          if (d) {
            bytes += event.bytes - d.bytes;
            d.bytes = event.bytes;
            if (event.size !== undefined) d.size = event.size;
          }
          break;
        }
        case 'delivery-end': {
          running.delete(event.result.key);
          done++;
          // Finished lines scroll above the live block and stay.
          const line = plainLine(event);
          if (drawn) err.write(`\x1b[${drawn}A\x1b[0J`);
          drawn = 0;
          if (line) err.write(`${line}\n`);
          break;
        }
        case 'run-end':
          draw();
          drawn = 0;
          break;
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** The table printed at the end: where every file went. */
export function summaryTable(results: RunResult['results']): string {
  return formatTable(
    ['document', 'report', 'format', 'prompts', 'path', 'size', 'status', 'link'],
    results.map((r: DeliveryResult) => [
      r.delivery.document.name,
      r.delivery.report,
      r.delivery.format,
      promptsText(r.delivery.prompts),
      r.path ?? r.delivery.target,
      r.bytes === undefined ? '' : formatBytes(r.bytes),
      r.previously ? `${r.status} (earlier)` : r.error ? `${r.status} ${r.error.code}` : r.status,
      r.link,
    ]),
  );
}

export function promptsText(prompts: Record<string, string>): string {
  return Object.entries(prompts)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function countsText(c: RunResult['counts']): string {
  const parts = [`${c.delivered} delivered`, `${c.unchanged} unchanged`];
  if (c.empty) parts.push(`${c.empty} empty`);
  if (c.noInstance) parts.push(`${c.noInstance} no instance`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.interrupted) parts.push(`${c.interrupted} interrupted`);
  return `${parts.join(', ')} of ${c.total}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

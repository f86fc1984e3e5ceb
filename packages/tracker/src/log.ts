/** Structured logs: one JSON object per line, at most one line per event class per interval. */

export type LogLevel = 'info' | 'warn' | 'error';

export interface TrackerLog {
  /** Writes `{time, level, event, ...fields}`, unless a line of this `event` went out less than the interval ago. */
  write(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export function createLog(sink: ((line: string) => void) | false, intervalMs: number, now: () => number = Date.now): TrackerLog {
  const last = new Map<string, { atMs: number; suppressed: number }>();
  return {
    write(level, event, fields = {}) {
      if (sink === false) return;
      const nowMs = now();
      const entry = last.get(event);
      if (entry && nowMs - entry.atMs < intervalMs) {
        entry.suppressed += 1;
        return;
      }
      const suppressed = entry?.suppressed ?? 0;
      last.set(event, { atMs: nowMs, suppressed: 0 });
      const line = { time: new Date(nowMs).toISOString(), level, event, ...fields, ...(suppressed ? { suppressed } : {}) };
      sink(JSON.stringify(line));
    },
  };
}

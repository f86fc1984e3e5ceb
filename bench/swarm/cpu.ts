/**
 * CPU time of a Chromium process tree from /proc (Linux only): the processes whose command line names
 * the viewer's profile directory, plus all their descendants (zygote, renderers, GPU, utility).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicksPerSec: number | undefined;

/** `getconf CLK_TCK`: the unit of utime/stime in /proc/<pid>/stat (100 on Linux almost always). */
function ticksPerSecond(): number {
  if (clockTicksPerSec === undefined) {
    try {
      clockTicksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSec = 100;
    }
  }
  return clockTicksPerSec;
}

interface ProcEntry {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks (children reaped by it included). */
  ticks: number;
  cmdline: string;
}

function readProc(pid: number): ProcEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: field 3 (state) is fields[0].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(fields[n - 3]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17), cmdline };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** CPU seconds of every process started for `profileDir`, or null where /proc is not available. */
export function processTreeCpuSeconds(profileDir: string): number | null {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return null;
  }
  const procs = pids.map(readProc).filter((p): p is ProcEntry => p !== undefined);
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const seen = new Set<number>();
  const stack = procs.filter((p) => p.cmdline.includes(profileDir));
  let ticks = 0;
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    ticks += p.ticks;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return seen.size === 0 ? null : ticks / ticksPerSecond();
}

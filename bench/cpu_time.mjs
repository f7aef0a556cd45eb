// CPU time of lavapipe's worker threads, for the benchmarks that report it beside wall time: on a
// shared machine the GPU's wall time depends on the load, the CPU it takes far less so.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by this process's threads other than the main one (NaN off Linux). */
export function workerCpuSeconds() {
  try {
    let ticks = 0;
    for (const task of readdirSync('/proc/self/task')) {
      if (Number(task) === process.pid) continue;
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // After the thread's name, which may itself hold ") ".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime, in 10 ms ticks
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}

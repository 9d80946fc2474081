// Memory and worker settings derived from an instance's spec (memory, CPU): what the engine runs a
// server with unless the tenant set the parameter, and what DescribeDBInstanceParameters and
// DescribeDefaultParameters report as the spec-related defaults. Free of any engine or process.
import os from 'node:os';

export interface Sizing {
  sharedBuffersMb: number;
  effectiveCacheSizeMb: number;
  maxConnections: number;
  workMemMb: number;
  maintenanceWorkMemMb: number;
  parallelWorkers: number;
  parallelWorkersPerGather: number;
}

export const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/**
 * Memory settings for an instance of memoryMb, on a host of hostMb (a shared laptop, not a dedicated VM):
 * - shared_buffers: 25% of the instance memory, but at most 1/16 of the host's RAM and at most 256 MB
 *   (PostgreSQL touches its shared memory at start: 512 MB add ~100 ms to a start here), at least 32 MB;
 * - effective_cache_size: 75% of the instance memory (a planner hint, allocates nothing);
 * - max_connections: memory/20 MB, between 100 and 2000 (1-2 GB → 100, 4 GB → 204, 8 GB → 409,
 *   16 GB → 819, 32 GB → 1638), close to what TencentDB gives its specs;
 * - work_mem: memory/512 between 4 MB and 64 MB (2 GB → 4 MB, the PostgreSQL and Tencent default);
 * - maintenance_work_mem: memory/16 between 64 MB and 1 GB;
 * - parallel workers from the CPU count.
 */
export function sizing(memoryMb: number, cpu: number, hostMb = Math.floor(os.totalmem() / 1048576)): Sizing {
  const mem = Math.max(256, Math.floor(memoryMb));
  const cores = Math.max(1, Math.floor(cpu));
  return {
    sharedBuffersMb: Math.max(32, Math.min(Math.floor(mem / 4), Math.floor(hostMb / 16), 256)),
    effectiveCacheSizeMb: Math.floor((mem * 3) / 4),
    maxConnections: clamp(Math.floor(mem / 20), 100, 2000),
    workMemMb: clamp(Math.floor(mem / 512), 4, 64),
    maintenanceWorkMemMb: clamp(Math.floor(mem / 16), 64, 1024),
    parallelWorkers: cores,
    parallelWorkersPerGather: clamp(Math.floor(cores / 2), 0, 4),
  };
}


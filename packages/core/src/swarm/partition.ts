/**
 * Partitions: a large audience split into several ordinary swarms, each its own tracker info-hash, so no
 * one mesh (or tracker swarm) holds every viewer. A viewer's partition is a uniform hash of its peer id,
 * fixed for the engine's life (it stays in its partition); each partition announces to
 * `trackersPerPartition` of the configured tracker URLs, chosen by rendezvous (highest-random-weight)
 * hashing of (URL, partition info-hash): partitions spread evenly over the URLs, each on two by default so
 * one tracker can die, and adding or removing a URL moves only the partitions that hashed to it.
 *
 * With one partition (the default) the info-hash is the swarm's own and every URL is used: nothing changes.
 */
import { infoHashFromSwarmId } from './swarm-identity';
import { sha1 } from './sha1';

export interface PartitionPlan {
  /** 0 … count − 1. */
  index: number;
  infoHashHex: string;
  announceUrls: string[];
}

/** The info-hash of partition `index` of `count`: the swarm's own for a single partition. */
export function partitionInfoHash(swarmId: string, index: number, count: number): string {
  return count <= 1 ? infoHashFromSwarmId(swarmId) : infoHashFromSwarmId(`${swarmId}#partition=${index}/${count}`);
}

/** The partition of a peer id (hex), uniform over `count`. */
export function partitionIndexOf(peerIdHex: string, count: number): number {
  if (count <= 1) return 0;
  const digest = sha1(`shoal-partition:${peerIdHex.toLowerCase()}`);
  const value = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return value % count;
}

/** Rendezvous hashing: the `perPartition` URLs with the highest SHA-1 weight for this info-hash. */
export function trackersForPartition(infoHashHex: string, urls: readonly string[], perPartition: number): string[] {
  if (urls.length <= perPartition) return [...urls];
  const weight = (url: string): number => {
    const d = sha1(`${url} ${infoHashHex}`);
    return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
  };
  return [...urls]
    .map((url) => ({ url, weight: weight(url) }))
    .sort((a, b) => b.weight - a.weight || (a.url < b.url ? -1 : 1))
    .slice(0, perPartition)
    .map(({ url }) => url);
}

export function planPartition(options: { swarmId: string; peerIdHex: string; count: number; trackerUrls: readonly string[]; trackersPerPartition: number }): PartitionPlan {
  const count = Math.max(1, options.count);
  const index = partitionIndexOf(options.peerIdHex, count);
  const infoHashHex = partitionInfoHash(options.swarmId, index, count);
  const announceUrls = count <= 1 ? [...options.trackerUrls] : trackersForPartition(infoHashHex, options.trackerUrls, options.trackersPerPartition);
  return { index, infoHashHex, announceUrls };
}

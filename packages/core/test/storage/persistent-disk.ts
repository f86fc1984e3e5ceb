/**
 * A stand-in for a persistent store in Node tests: one `MemoryStorage` (the "disk") that outlives the
 * stores opened on it, as IndexedDB outlives a page, with failures to inject (quota, broken reads).
 */
import type { Clock } from '../../src/clock/clock';
import { MemoryStorage } from '../../src/storage/memory-storage';
import type { OpenPersistentStorage, SegmentStorage } from '../../src/storage/segment-storage';

export function persistentDisk(options: { capBytes: number; clock: Clock }) {
  const disk = new MemoryStorage(options);
  let failure: Error | undefined;
  let opened = 0;
  const check = (): void => {
    if (failure !== undefined) throw failure;
  };
  const open: OpenPersistentStorage = async () => {
    opened++;
    check();
    let closed = false;
    const store: SegmentStorage = {
      get usedBytes() {
        return closed ? 0 : disk.usedBytes;
      },
      has: (key) => !closed && disk.has(key),
      get: async (key) => {
        check();
        return closed ? undefined : disk.get(key);
      },
      put: async (key, bytes) => {
        check();
        if (!closed) await disk.put(key, bytes);
      },
      delete: async (key) => {
        check();
        if (!closed) await disk.delete(key);
      },
      list: () => (closed ? [] : disk.list()),
      setPlaybackContext: (context) => disk.setPlaybackContext(context),
      // Like IndexedDB: closing forgets nothing on disk.
      destroy: () => {
        closed = true;
      },
    };
    return store;
  };
  return {
    disk,
    open,
    get opened() {
      return opened;
    },
    failWith(error: Error): void {
      failure = error;
    },
  };
}

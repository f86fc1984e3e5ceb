import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePeerToDrop, type NeighbourCandidate } from '../../src/swarm/neighbours';

const candidate = (peer: string, servedUsBytes: number, playsOurRenditions: boolean, servedThemBytes = 0): NeighbourCandidate<string> => ({
  peer,
  servedUsBytes,
  servedThemBytes,
  playsOurRenditions,
});

const cases: Array<{ name: string; candidates: Array<NeighbourCandidate<string>>; drop: string | undefined }> = [
  { name: 'nobody to drop', candidates: [], drop: undefined },
  { name: 'a peer that never served us goes before one that did', candidates: [candidate('server', 1, false), candidate('idle', 0, true)], drop: 'idle' },
  { name: 'among idle peers, one playing other renditions goes first', candidates: [candidate('same', 0, true), candidate('other', 0, false)], drop: 'other' },
  { name: 'among servers, the one that served least goes', candidates: [candidate('big', 5_000_000, true), candidate('small', 70_000, true)], drop: 'small' },
  { name: 'ties broken by what we served them', candidates: [candidate('fed', 0, true, 900), candidate('unfed', 0, true, 0)], drop: 'unfed' },
];

for (const { name, candidates, drop } of cases) {
  test(`neighbours: ${name}`, () => assert.equal(choosePeerToDrop(candidates), drop));
}

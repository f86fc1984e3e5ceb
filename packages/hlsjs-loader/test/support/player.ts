/**
 * hls.js players on the demo media, in the karma page. The page is typed structurally (no DOM lib): the
 * root tsconfig checks these files for Node, without the DOM types.
 */
import Hls, { Events, type FragLoadedData, type Fragment, type HlsConfig } from 'hls.js';
import { waitUntil } from '../../../core/test/support/wait';
import { assert } from './assert';

/** The parts of an HTMLVideoElement the specs use. */
export interface PageVideo {
  muted: boolean;
  width: number;
  readonly currentTime: number;
  play(): Promise<void>;
  remove(): void;
}

const page = globalThis as unknown as {
  document: { createElement(tag: 'video'): PageVideo; body: { appendChild(node: PageVideo): void } };
};

/** The demo media as karma serves them (`files` in karma.conf.cjs). */
export const MEDIA = {
  ts: '/base/demo/media/hls-ts/master.m3u8',
  fmp4: '/base/demo/media/hls-fmp4/master.m3u8',
  byterange: '/base/demo/media/hls-ts-byterange/master.m3u8',
} as const;

export interface TestPlayer {
  hls: Hls;
  video: PageVideo;
  /** Every FRAG_LOADED, in order (the stats object is hls.js's own, as the loader left it). */
  fragLoaded: FragLoadedData[];
  /** Every fragment hls.js started loading, init segments included (they have no FRAG_LOADED). */
  fragLoading: Fragment[];
  errors: string[];
  destroy(): void;
}

/** An Hls with a muted video element in the page; `setup` runs before `loadSource` (attach Shoal there). */
export function createPlayer(config: Partial<HlsConfig>, setup: (hls: Hls) => void = () => {}): TestPlayer {
  const video = page.document.createElement('video');
  video.muted = true;
  video.width = 320;
  page.document.body.appendChild(video);
  const hls = new Hls({ debug: false, ...config });
  const fragLoaded: FragLoadedData[] = [];
  const fragLoading: Fragment[] = [];
  hls.on(Events.FRAG_LOADING, (_event, data) => fragLoading.push(data.frag));
  const errors: string[] = [];
  hls.on(Events.FRAG_LOADED, (_event, data) => fragLoaded.push(data));
  hls.on(Events.ERROR, (_event, data) => errors.push(`${data.fatal ? 'fatal ' : ''}${data.details}`));
  setup(hls);
  return {
    hls,
    video,
    fragLoaded,
    fragLoading,
    errors,
    destroy: () => {
      hls.destroy();
      video.remove();
    },
  };
}

/** Load `url`, play, and resolve once the playhead has passed `untilSec`. */
export async function play(player: TestPlayer, url: string, untilSec: number): Promise<void> {
  const { hls, video } = player;
  hls.loadSource(url);
  hls.attachMedia(video as unknown as Parameters<Hls['attachMedia']>[0]);
  await new Promise<void>((resolve) => hls.once(Events.MANIFEST_PARSED, () => resolve()));
  await video.play();
  await playUntil(player, untilSec);
}

/** Resolve once the playhead of a playing player has passed `untilSec`; fail on a fatal hls.js error. */
export async function playUntil(player: TestPlayer, untilSec: number): Promise<void> {
  const fatal = () => player.errors.some((e) => e.startsWith('fatal'));
  await waitUntil(() => player.video.currentTime >= untilSec || fatal(), `playback past ${untilSec} s`);
  assert(!fatal(), `no fatal hls.js error (${player.errors.join(', ')})`);
}

/** A media playlist's fragments, loaded by hls.js without a media element (no fragment is fetched). */
export async function loadLevelDetails(hls: Hls, url: string): Promise<NonNullable<Hls['levels'][number]['details']>> {
  const loaded = new Promise<NonNullable<Hls['levels'][number]['details']>>((resolve) =>
    hls.once(Events.LEVEL_LOADED, (_event, data) => resolve(data.details)),
  );
  hls.loadSource(url);
  return loaded;
}

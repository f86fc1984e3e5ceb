/**
 * Every player the demo page can run, by `?player=` id; the first is the default. Each is loaded only when
 * chosen (its own bundle chunk), so the hls.js page does not download Shaka.
 */
import type { DemoPlayer, StreamFormat } from './types';

export interface PlayerEntry {
  /** What the page's switch shows. */
  label: string;
  /** The stream formats it plays; the page offers only those streams. */
  formats: readonly StreamFormat[];
  load(): Promise<DemoPlayer>;
}

export const PLAYERS = {
  hlsjs: { label: 'hls.js', formats: ['hls'], load: async () => (await import(/* webpackChunkName: "player-hlsjs" */ './hlsjs')).hlsjsPlayer },
  shaka: { label: 'Shaka Player', formats: ['dash', 'hls'], load: async () => (await import(/* webpackChunkName: "player-shaka" */ './shaka')).shakaPlayer },
  videojs: { label: 'video.js', formats: ['hls'], load: async () => (await import(/* webpackChunkName: "player-videojs" */ './videojs')).videojsPlayer },
} satisfies Record<string, PlayerEntry>;

export type PlayerId = keyof typeof PLAYERS;

export const DEFAULT_PLAYER: PlayerId = 'hlsjs';

export function playerIdOf(value: string | null): PlayerId {
  return value !== null && Object.hasOwn(PLAYERS, value) ? (value as PlayerId) : DEFAULT_PLAYER;
}

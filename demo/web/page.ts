/** The page around the player: the controls form (player, stream, P2P, tracker) and the figures. */
import { CHART_COLORS } from './chart';
import { PLAYERS, type PlayerId } from './players/index';
import { streamFormatOf } from './players/types';
import type { DemoState } from './state';

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export interface Controls {
  player: PlayerId;
  streamName: string;
  p2p: boolean;
  trackerUrl: string;
}

/** The streams of `streams` a player plays, in their order. */
export function streamsFor(player: PlayerId, streams: Record<string, string>): string[] {
  const formats: readonly string[] = PLAYERS[player].formats;
  return Object.keys(streams).filter((name) => formats.includes(streamFormatOf(streams[name]!)));
}

export function fillControls(streams: Record<string, string>, controls: Controls): void {
  const playerSelect = $<HTMLSelectElement>('player');
  for (const [id, { label }] of Object.entries(PLAYERS)) playerSelect.add(new Option(label, id, false, id === controls.player));
  const streamSelect = $<HTMLSelectElement>('stream');
  const listStreams = (player: PlayerId, selected: string): void => {
    streamSelect.replaceChildren();
    for (const name of streamsFor(player, streams)) streamSelect.add(new Option(name, name, false, name === selected));
  };
  listStreams(controls.player, controls.streamName);
  playerSelect.addEventListener('change', () => listStreams(playerSelect.value as PlayerId, streamSelect.value));
  $<HTMLInputElement>('p2p').checked = controls.p2p;
  $<HTMLInputElement>('tracker').value = controls.trackerUrl;
  $('player-name').textContent = PLAYERS[controls.player].label;
  $('legend').innerHTML = `<span style="color:${CHART_COLORS.p2p}">■ from peers</span> <span style="color:${CHART_COLORS.http}">■ from HTTP</span> <span style="color:${CHART_COLORS.upload}">— uploaded</span>`;
  $<HTMLFormElement>('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams({
      player: playerSelect.value,
      stream: streamSelect.value,
      p2p: $<HTMLInputElement>('p2p').checked ? '1' : '0',
      tracker: $<HTMLInputElement>('tracker').value,
    });
    location.search = query.toString();
  });
}

export function renderStats(state: DemoState): void {
  const stats = state.engine.stats();
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
  $('share').textContent = state.p2p ? `${(stats.p2pShare * 100).toFixed(0)} %` : 'off';
  $('peers').textContent = String(stats.peerCount);
  $('http').textContent = mb(state.p2p ? stats.httpBytes : state.httpFragmentBytes);
  $('p2pbytes').textContent = mb(stats.p2pBytes);
  $('upload').textContent = mb(stats.uploadedBytes);
  const bySource = stats.segmentsBySource;
  $('segments').textContent = `${bySource.p2p} from peers · ${bySource.http} from HTTP · ${bySource.cache} cached`;
  const level = state.quality().level;
  $('playback').textContent = `${state.startupMs === undefined ? 'starting' : `started in ${(state.startupMs / 1000).toFixed(1)} s`}${level ? ` · ${level}` : ''} · stalls ${state.stalls}${state.errors.length ? ` · errors: ${state.errors.join('; ')}` : ''}`;
}

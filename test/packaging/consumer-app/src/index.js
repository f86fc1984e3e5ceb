// A user's app, as a user writes it: plain JavaScript importing the installed packages, built by webpack
// with its default configuration (no polyfills, no resolve.fallback). ?src=<HLS URL>&tracker=<ws URL>.
import Hls from 'hls.js';
import { ShoalEngine } from '@shoal/core';
import { attachShoal, shoalHlsConfig } from '@shoal/hlsjs-loader';
import { packageExports } from './packages.js';

const query = new URLSearchParams(location.search);
const engine = new ShoalEngine({ trackerUrls: [query.get('tracker')], rtcConfig: { iceServers: [] } });
const hls = new Hls({ ...shoalHlsConfig(engine) });
const attachment = attachShoal(hls, engine);
const video = document.querySelector('video');
const state = { active: attachment.active, packageExports, segments: [], errors: [] };
window.consumer = { state, engine, video };

engine.on('segment:loaded', ({ source, sizeBytes }) => state.segments.push({ source, sizeBytes }));
hls.on(Hls.Events.ERROR, (_event, data) => {
  if (data.fatal) state.errors.push(`${data.type}: ${data.details}`);
});
hls.loadSource(query.get('src'));
hls.attachMedia(video);
video.play().catch(() => {});

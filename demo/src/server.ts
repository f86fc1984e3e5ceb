/**
 * The demo, first part: a bittorrent-tracker server on 127.0.0.1 that Shoal viewers can announce to.
 * The origin, the media and the player page arrive with the hls.js loader.
 */
import { Server } from 'bittorrent-tracker';
import type { AddressInfo } from 'node:net';

const port = Number(process.env.SHOAL_TRACKER_PORT ?? 8000);
const server = new Server({ udp: false, http: false, ws: true, stats: false, trustProxy: false });
server.on('error', (error: Error) => console.error('tracker error:', error.message));
server.on('warning', () => {});
server.listen(port, '127.0.0.1', () => {
  const address = server.ws.address() as AddressInfo;
  console.log(`Shoal tracker: ws://127.0.0.1:${address.port}`);
  console.log('The player demo page comes with the hls.js loader; until then, see README.md for the engine API.');
});
process.on('SIGINT', () => server.close(() => process.exit(0)));

// Loaded (`--import`, through NODE_OPTIONS so child processes get it too) into every process of
// `npm run test:unit`: the unit tier is network-free (see scripts/test-tiers.mjs), and this makes each way
// out throw instead of quietly working on a machine that has a network:
// - a TCP/TLS/HTTP/WebSocket connection (fetch included) to anything but loopback or a local socket path;
// - a server listening on anything but loopback (no host given means every interface);
// - UDP (dgram);
// - a WebRTC peer connection: node-datachannel's native PeerConnection (loading it is fine: the engine's
//   imports load it, unit tests never connect with it).
// The refused attempt also marks the process failed (exit code 1, a line on stderr), so a test that
// catches the error (a tracker client that retries, say) still fails its file.
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const HINT = 'a unit-tier test must stay on loopback: move it to the network tier (scripts/test-tiers.mjs)';

function refuse(what) {
  const error = new Error(`unit tier: ${what} refused; ${HINT}`);
  error.code = 'ERR_SHOAL_UNIT_TIER_NETWORK';
  if (!process.exitCode) process.exitCode = 1;
  process.stderr.write(`${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}\n`);
  return error;
}

function isLoopback(host) {
  if (typeof host !== 'string') return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its normalised arguments as one array: [options, callback].
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  if (first !== null && typeof first === 'object') {
    if (first.path === undefined && !isLoopback(first.host ?? 'localhost')) throw refuse(`connection to ${first.host}:${first.port}`);
  } else if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    const host = typeof second === 'string' ? second : 'localhost';
    if (!isLoopback(host)) throw refuse(`connection to ${host}:${first}`);
  }
  return connect.apply(this, args);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first, second] = args;
  if (first !== null && typeof first === 'object') {
    // { port, host } or { path } or a handle ({ fd } / { _handle }): only a port on a non-loopback host goes out.
    if (first.port !== undefined && first.path === undefined && !isLoopback(first.host)) throw refuse(`listening on ${first.host ?? 'every interface'}:${first.port}`);
  } else if (typeof first === 'number' || /^\d+$/.test(String(first)) || first === undefined || typeof first === 'function') {
    const host = typeof second === 'string' ? second : undefined;
    if (!isLoopback(host)) throw refuse(`listening on ${host ?? 'every interface'}:${typeof first === 'function' ? 0 : (first ?? 0)}`);
  }
  return listen.apply(this, args);
};

dgram.createSocket = function () {
  throw refuse('a UDP socket');
};
// `import { createSocket } from 'node:dgram'` reads the ES module's own copy: update it too.
syncBuiltinESMExports();

const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) {
  const result = dlopen.call(this, module, filename, ...rest);
  if (/node_datachannel\.node$/.test(filename) && typeof module.exports?.PeerConnection === 'function') {
    module.exports.PeerConnection = function PeerConnection() {
      throw refuse('a WebRTC peer connection (node-datachannel)');
    };
  }
  return result;
};

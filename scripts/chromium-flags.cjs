// Flags for every headless Chromium the project starts (karma, playwright tests, benches): no sandbox (root
// in containers), no GPU, no background traffic to Google (refused on closed networks), autoplay without a
// gesture, and real IP ICE candidates instead of mDNS names so pages connect over WebRTC in the test namespace.
module.exports.CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

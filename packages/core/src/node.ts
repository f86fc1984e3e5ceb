/** Node-only additions to `@shoal/core`. Never import this from browser code. */
export { installNodeEndOfCandidatesFix } from './transport/node-wrtc';
export * from './integrity-tools';

/**
 * The Shaka types the adapter uses, named once. Types only: the adapter never imports Shaka's code; the
 * application hands its `shaka` namespace to `registerShoal`, so the page has one Shaka build.
 * Checked against shaka-player 5.2 typings; the members used exist from 4.4 on (4.3 has no
 * `NetworkingEngine.AdvancedRequestType`).
 */
import type shakaNamespace from 'shaka-player';

export type Shaka = typeof shakaNamespace;
export type ShakaPlayer = shakaNamespace.Player;
export type ShakaRequest = shakaNamespace.extern.Request;
export type ShakaResponse = shakaNamespace.extern.Response;
export type ShakaRequestContext = shakaNamespace.extern.RequestContext;
export type ShakaRequestType = shakaNamespace.net.NetworkingEngine.RequestType;
export type ShakaSchemePlugin = shakaNamespace.extern.SchemePlugin;
export type ShakaStream = shakaNamespace.extern.Stream;
export type ShakaVariant = shakaNamespace.extern.Variant;
export type ShakaSegmentReference = shakaNamespace.media.SegmentReference;
export type ShakaError = shakaNamespace.util.Error;

/**
 * Prometheus metrics (prom-client, the standard Node client): one registry per tracker, never the global
 * one, so two trackers in a process (tests) count apart. Names start `shoal_tracker_`; the default process
 * and Node.js metrics (memory, CPU, event-loop lag) come with them.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { REJECTION_REASONS, type RejectionReason } from './errors.js';

/** Live counts read at scrape time. */
export interface TrackerGauges {
  connections(): number;
  swarms(): number;
  peers(): number;
}

export class TrackerMetrics {
  readonly registry = new Registry();
  readonly announces: Counter;
  readonly answersRelayed: Counter;
  readonly offersRelayed: Counter;
  readonly offersDropped: Counter;
  readonly messages: Counter;
  readonly rejections: Counter<'reason'>;

  constructor(gauges: TrackerGauges) {
    const registers = [this.registry];
    this.announces = new Counter({ name: 'shoal_tracker_announces_total', help: 'Announces processed (answers excluded)', registers });
    this.offersRelayed = new Counter({ name: 'shoal_tracker_offers_relayed_total', help: 'SDP offers relayed to a swarm member', registers });
    this.offersDropped = new Counter({ name: 'shoal_tracker_offers_dropped_total', help: 'Offers past maxOffersPerAnnounce, not relayed', registers });
    this.answersRelayed = new Counter({ name: 'shoal_tracker_answers_relayed_total', help: 'SDP answers relayed to the offering peer', registers });
    this.messages = new Counter({ name: 'shoal_tracker_messages_total', help: 'WebSocket messages received', registers });
    this.rejections = new Counter({ name: 'shoal_tracker_rejections_total', help: 'Connections, messages and announces refused, by reason', labelNames: ['reason'], registers });
    for (const reason of REJECTION_REASONS) this.rejections.inc({ reason }, 0);
    new Gauge({ name: 'shoal_tracker_connections', help: 'Open WebSocket connections', registers, collect() { this.set(gauges.connections()); } });
    new Gauge({ name: 'shoal_tracker_swarms', help: 'Swarms (info-hashes) with at least one peer', registers, collect() { this.set(gauges.swarms()); } });
    new Gauge({ name: 'shoal_tracker_peers', help: 'Peers over all swarms (a peer in two swarms counts twice)', registers, collect() { this.set(gauges.peers()); } });
    collectDefaultMetrics({ register: this.registry });
  }

  reject(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

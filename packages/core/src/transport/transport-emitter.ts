/**
 * The typed `on`/`once`/`off` every Transport offers, over a private eventemitter3 emitter: subclasses
 * emit through `this.events`, nobody outside can. (Composition rather than extending EventEmitter:
 * its generic `on` does not satisfy the contract's `on<E>(event: E, listener: TransportEvents[E])`.)
 */
import EventEmitter from 'eventemitter3';
import type { TransportEmitter, TransportEvents } from './transport';

type EventListener<E extends keyof TransportEvents> = EventEmitter.EventListener<TransportEvents, E>;

export abstract class TransportEventSource implements TransportEmitter {
  protected readonly events = new EventEmitter<TransportEvents>();

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.events.on(event, listener as EventListener<E>);
    return this;
  }

  once<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    this.events.once(event, listener as EventListener<E>);
    return this;
  }

  off<E extends keyof TransportEvents>(event: E, listener?: TransportEvents[E]): this {
    this.events.off(event, listener as EventListener<E> | undefined);
    return this;
  }
}

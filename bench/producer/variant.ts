/** What a producer variant offers the bench: it is fed network reads of the X stream and acknowledges tweets. */
export interface ProducerPipeline {
  /**
   * Hands over one network read of the X stream body. A returned promise means "stop reading until it
   * resolves", as a paused socket would; `receivedAtMs` is when the read arrived.
   */
  feed(chunk: Buffer, receivedAtMs: number): undefined | Promise<void>;
  /**
   * The stream ended: sends what is held at once (as the producer does at shutdown), resolves once Kinesis
   * has acknowledged everything fed, and releases sockets and timers. A pipeline is used for one pass only.
   */
  drain(): Promise<void>;
}

/** Told of tweets Kinesis acknowledged, with their receive-to-acknowledge latency. */
export type AckListener = (latencyMs: number, count: number) => void;

export interface VariantContext {
  endpoint: string;
  streamName: string;
  region: string;
  onAck: AckListener;
  /** The distinct stream messages of the input, for variants that prepare their requests up front. */
  wireBody: Buffer;
}

export type VariantFactory = (context: VariantContext) => Promise<ProducerPipeline>;

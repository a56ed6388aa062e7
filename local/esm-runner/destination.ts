import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";

/** One kept batch for the on-failure destination: its object key (Lambda's naming) and its JSON body. */
export interface KeptObject {
  readonly key: string;
  readonly body: string;
}

/**
 * Stores kept batches at the on-failure destination. The shard does not move past a discarded batch until it
 * is stored, as in Lambda. A stop gives up waiting: the records are still in the stream, and a restarted mapping
 * reads from TRIM_HORIZON.
 */
export class DestinationSender {
  constructor(
    private readonly keepBatch: (object: KeptObject) => Promise<void>,
    private readonly logger: Logger,
    private readonly running: () => boolean,
    private readonly retryDelayMs = 1000,
  ) {}

  /** True once stored; false when the runner stopped while the destination was unreachable. */
  async send(object: KeptObject): Promise<boolean> {
    for (;;) {
      try {
        await this.keepBatch(object);
        return true;
      } catch (err) {
        if (!this.running()) {
          this.logger.error({ err }, "on-failure destination unreachable at stop; batch not kept");
          return false;
        }
        this.logger.warn({ err }, "on-failure destination unreachable; retrying");
        await sleep(this.retryDelayMs);
      }
    }
  }
}

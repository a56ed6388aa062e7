import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";

/**
 * Sends failure records to the on-failure destination. The shard does not move past a discarded batch until
 * its failure record is stored, as in Lambda. A stop gives up waiting: the records are still in the stream,
 * and a restarted mapping reads from TRIM_HORIZON.
 */
export class DestinationSender {
  constructor(
    private readonly sendToDestination: (message: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly running: () => boolean,
    private readonly retryDelayMs = 1000,
  ) {}

  async send(message: string): Promise<void> {
    for (;;) {
      try {
        await this.sendToDestination(message);
        return;
      } catch (err) {
        if (!this.running()) {
          this.logger.error({ err }, "on-failure destination unreachable at stop; failure record not stored");
          return;
        }
        this.logger.warn({ err }, "on-failure destination unreachable; retrying");
        await sleep(this.retryDelayMs);
      }
    }
  }
}

/**
 * An error as SQS's JSON protocol reports it: `__type` names the error shape, and the
 * `x-amzn-query-error` header carries the legacy query-protocol code the SDK maps for compatibility.
 */
export class SqsError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
    readonly senderFault = true,
  ) {
    super(message);
  }

  get body(): string {
    return JSON.stringify({ __type: `com.amazonaws.sqs#${this.type}`, message: this.message });
  }

  get queryErrorHeader(): string {
    return `${this.queryCode};${this.senderFault ? "Sender" : "Receiver"}`;
  }
}

export const queueDoesNotExist = (url: string) =>
  new SqsError(
    "QueueDoesNotExist",
    "AWS.SimpleQueueService.NonExistentQueue",
    `The specified queue does not exist: ${url}`,
  );

export const invalidParameter = (message: string) =>
  new SqsError("InvalidParameterValueException", "InvalidParameterValue", message);

/** A body or string attribute with a character outside XML 1.0's: SQS refuses it, in a batch entry or alone. */
export const invalidMessageContents = (message: string) =>
  new SqsError("InvalidMessageContents", "InvalidMessageContents", message);

export const batchError = (type: string, message: string) =>
  new SqsError(type, `AWS.SimpleQueueService.${type}`, message);

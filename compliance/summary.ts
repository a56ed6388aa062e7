/** What one sweep did, returned by the handler and logged as one line. No ids, no text, no token. */
export interface SweepSummary {
  dryRun: boolean;
  /** Post ids whose job results were applied (checked with X) in this sweep. */
  postsChecked: number;
  /** Distinct author ids whose job results were applied in this sweep. */
  usersChecked: number;
  /** Posts read by the scan in this sweep (they go into jobs). */
  postsScanned: number;
  /** Lines of complete jobs' result files applied in this sweep (progress on a large file shows here). */
  resultLinesApplied: number;
  /** Items deleted (in a dry run: that would have been deleted). */
  itemsDeleted: number;
  /** itemsDeleted by X's reason: deleted, deactivated, protected, suspended, bounced. */
  deletedByReason: Record<string, number>;
  /** Items whose geo data was removed (in a dry run: would have been). */
  geoScrubbed: number;
  jobsCreated: number;
  jobsCompleted: number;
  /** Jobs X reported `failed` / `expired`: their ids are submitted again on the next sweep. */
  jobsFailed: number;
  jobsExpired: number;
  /** Jobs still `created`/`in_progress` when this sweep stopped: polled again on the next one. */
  jobsPending: number;
  /**
   * Of those, jobs that resubmit the ids of a job X failed or expired: until one completes, no sweep counts as
   * succeeded (else an X that fails every job slowly would alternate failed and pending days, and the two-day
   * alarm would never fire).
   */
  jobsResubmitted: number;
  /** Result lines that were not a valid result: nothing was done for them. */
  malformedLines: number;
  /** Result lines for an id that was not uploaded in that job: nothing was done for them. */
  unknownIds: number;
  /** Deletes DynamoDB did not take after retries: the job's results are applied again next sweep. */
  deleteFailures: number;
  /** Updates that took a referenced post or author X flagged out of an item's includes, one per item and job (in a dry run: would have). */
  includesPruned: number;
  /** Items that changed while their includes were pruned (left for the next sweep). */
  includesConflicts: number;
  /** Items that changed while being scrubbed (left for the next sweep). */
  geoConflicts: number;
  /**
   * Items whose geo X scrubbed but whose `Raw` cannot be decoded (logged by key): nothing of them was changed,
   * the rest of the file was applied. A person must look at them.
   */
  rawUnreadable: number;
  /** Errors that stopped the sweep early (X API, DynamoDB, checkpoint); it resumes next run. */
  errors: number;
  /** The scan reached the end of the table and every job of the pass was applied. */
  passCompleted: boolean;
  /** Work remains (deadline, jobs still running, a retry): the next run resumes from the checkpoint. */
  resumeNext: boolean;
  /** DynamoDB read capacity units consumed by the scan, queries and checkpoint reads. */
  readUnits: number;
  durationMs: number;
}

export function emptySummary(dryRun: boolean): SweepSummary {
  return {
    dryRun,
    postsChecked: 0,
    usersChecked: 0,
    postsScanned: 0,
    resultLinesApplied: 0,
    itemsDeleted: 0,
    deletedByReason: {},
    geoScrubbed: 0,
    jobsCreated: 0,
    jobsCompleted: 0,
    jobsFailed: 0,
    jobsExpired: 0,
    jobsPending: 0,
    jobsResubmitted: 0,
    malformedLines: 0,
    unknownIds: 0,
    deleteFailures: 0,
    geoConflicts: 0,
    rawUnreadable: 0,
    includesPruned: 0,
    includesConflicts: 0,
    errors: 0,
    passCompleted: false,
    resumeNext: false,
    readUnits: 0,
    durationMs: 0,
  };
}

/** A mistake in how meshgen was called (unknown flag, missing file): exit code 2, no stack trace. */
export class UsageError extends Error {}

/** Shared by every part of the pipeline; imports nothing of ours. */
export { CodedError, isCodedError } from "./coded-error.ts";
export { type CodeInfo, ERROR_CODES, type ErrorClass, type ErrorCode, isErrorCode } from "./error-codes.ts";

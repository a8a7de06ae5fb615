import { CodedError, type ErrorCode } from "../../contracts/index.ts";

/** Stack start-up failures, each with a stable code and a message that says what to do. */
export type StackErrorCode = Extract<ErrorCode, `STACK_${string}`>;

export class StackError extends CodedError {
  declare readonly code: StackErrorCode;
  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, { cause: options?.cause });
  }
}

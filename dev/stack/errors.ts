/** Stack start-up failures, each with a stable code and a message that says what to do. */
export type StackErrorCode =
  | "STACK_JAVA_MISSING"
  | "STACK_MAVEN_MISSING"
  | "STACK_DOWNLOAD_FAILED"
  | "STACK_PORT_TAKEN"
  | "STACK_START_FAILED"
  | "STACK_NOT_READY"
  | "STACK_CONFIG_INVALID";

export class StackError extends Error {
  readonly code: StackErrorCode;
  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "StackError";
    this.code = code;
  }
}

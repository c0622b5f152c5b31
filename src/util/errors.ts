/**
 * User-facing errors. A `UserError` is bad input (config, flag, data file): the CLI prints its
 * message alone, without a stack trace, and exits with code 2. Anything else is a bug (exit 1).
 */
export class UserError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'UserError';
  }
}

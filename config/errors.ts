/**
 * A mistake in what the user gave us (configuration, units, files, flags). The CLI prints its
 * message as one line and exits with code 2, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

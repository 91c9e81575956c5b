/**
 * A request a use case cannot answer as asked (a range too long, `from` after `to`, an unknown
 * name): the field it is about and why. The HTTP layer answers it as a 400 naming the field
 * (src/http/routes/service-errors.ts); commands print it.
 */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Where the field was: a query or path parameter, or the request body. */
    readonly part: 'parameter' | 'body' = 'parameter',
  ) {
    super(message);
  }
}

/** A value the client sent, quoted for a message: JSON-escaped (NUL shows as \u0000) and cut to `max` characters. */
export const quote = (value: string, max = 60) => JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);

import { InputError } from '../../services/input-error.ts';
import { ApiError } from '../errors.ts';

/** A service's input error as the API's 400 naming the field; any other error as it is. */
export function asApiError(err: Error): Error {
  if (err instanceof InputError) return new ApiError(err.part === 'body' ? 'invalid_body' : 'invalid_parameter', `${err.field}: ${err.message}`, { field: err.field, ...err.details });
  return err;
}

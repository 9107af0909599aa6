import { useState } from 'react';
import { ApiError } from '../../../api/api-error';

/**
 * A form's server answer: the API's validation messages keyed by field (shown on the fields) and any
 * other error (shown with <ErrorNotice/>). What was typed is kept; only the messages change.
 */
export function useFormErrors() {
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  return {
    fieldErrors,
    error,
    reset() {
      setFieldErrors({});
      setError(null);
    },
    fail(cause: unknown) {
      const fields = cause instanceof ApiError ? cause.fieldErrors() : {};
      setFieldErrors(fields);
      setError(Object.keys(fields).length ? null : cause);
      if (Object.keys(fields).length && cause instanceof ApiError && cause.code !== 'validation_failed') setError(cause);
    },
  };
}

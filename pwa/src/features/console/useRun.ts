import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { fieldErrorsByName } from '../../ui/problems';

/** A console action run from a button or a form: what it threw, and its field errors by name. */
export function useRun() {
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>, e?: Event): Promise<boolean> => {
    e?.preventDefault();
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const fields = fieldErrorsByName(error instanceof ApiError ? error.problem : undefined);
  /** The error, when no field of the form shows it. */
  const general = error && !Object.keys(fields).length ? error : null;
  return { error, fields, general, run };
}

import { useState } from 'preact/hooks';

/**
 * A form's submit handler: busy while `action` runs, and the message `onError` makes of
 * what it threw (cleared on each new submit).
 */
export function useSubmit(action: () => Promise<void>, onError: (err: unknown) => string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

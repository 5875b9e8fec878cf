import { useState } from 'preact/hooks';
import type { FetchedFile } from '../api/client';
import { ErrorText } from './bits';
import { saveFile } from './download';

export interface DownloadChoice {
  /** What the button's test id ends with. */
  id: string;
  label: string;
  /** The fetch of the file, and the name to save it under when the server gives none. */
  fetch(): Promise<FetchedFile>;
  fallbackName: string;
}

/** A row of download buttons: one file at a time, "busy" on the pressed one, errors below. */
export function DownloadButtons({ choices, busyLabel, testidPrefix }: { choices: DownloadChoice[]; busyLabel: string; testidPrefix: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const download = async (choice: DownloadChoice) => {
    setBusy(choice.id);
    setError(null);
    try {
      const file = await choice.fetch();
      saveFile(file.blob, file.filename || choice.fallbackName);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="exports">
      {choices.map((choice) => (
        <button
          key={choice.id}
          type="button"
          class="btn btn-secondary"
          data-testid={`${testidPrefix}${choice.id}`}
          disabled={busy !== null}
          onClick={() => void download(choice)}
        >
          {busy === choice.id ? busyLabel : choice.label}
        </button>
      ))}
      {!!error && <ErrorText error={error} />}
    </div>
  );
}

// Small form parts: a labelled text input or text area, and a field's server errors.
import type { JSX } from 'preact';

/** A field's messages from the server, under it. */
export function FieldError({ messages }: { messages?: string[] }) {
  return messages ? (
    <span class="field-error" role="alert">
      {messages.join(' ')}
    </span>
  ) : null;
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'label'>;

/** A labelled `<input>`; other props (type, autocomplete, data-testid…) go to the input. */
export function TextField({
  label,
  value,
  onValue,
  errors,
  ...input
}: InputProps & { label: string; value: string; onValue: (v: string) => void; errors?: string[] }) {
  return (
    <label class="field">
      <span>{label}</span>
      <input {...input} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
      <FieldError messages={errors} />
    </label>
  );
}

type TextAreaProps = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onInput' | 'label'>;

/** A labelled `<textarea>`; other props (rows, required, data-testid…) go to the text area. */
export function TextAreaField({
  label,
  value,
  onValue,
  ...area
}: TextAreaProps & { label: string; value: string; onValue: (v: string) => void }) {
  return (
    <label class="field">
      <span>{label}</span>
      <textarea {...area} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
    </label>
  );
}

// The console's search bar: words, one filter picked from a list, the search button; further buttons after it.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { TextField } from './form';

export interface SearchFilter {
  label: string;
  /** The first choice, which filters nothing ("any role"). */
  anyLabel: string;
  options: { value: string; label: string }[];
  testid: string;
}

/**
 * Calls `onSearch` with the trimmed words and the filter's value ('' for none) when sent.
 * Test ids: `${testid}` for the words, `${testid}-submit` for the button.
 */
export function SearchBar({
  label,
  placeholder,
  testid,
  filter,
  onSearch,
  children,
}: {
  label: string;
  placeholder: string;
  testid: string;
  filter?: SearchFilter;
  onSearch: (q: string, filterValue: string) => void;
  children?: ComponentChildren;
}) {
  const [q, setQ] = useState('');
  const [value, setValue] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    onSearch(q.trim(), value);
  };
  return (
    <form class="console-search" onSubmit={submit} role="search">
      <TextField label={label} name="q" value={q} onValue={setQ} placeholder={placeholder} data-testid={testid} />
      {filter && (
        <label class="field">
          <span>{filter.label}</span>
          <select value={value} onChange={(e) => setValue(e.currentTarget.value)} data-testid={filter.testid}>
            <option value="">{filter.anyLabel}</option>
            {filter.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <button class="btn btn-primary" type="submit" data-testid={`${testid}-submit`}>
        {t('console.searchButton')}
      </button>
      {children}
    </form>
  );
}

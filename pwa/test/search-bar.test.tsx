// The console's one search bar (accounts, audit log): it sends the trimmed words and the filter.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setLocale } from '../src/i18n';
import { SearchBar } from '../src/ui/SearchBar';
import { problemMessage } from '../src/ui/problems';

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  root = null;
  setLocale('zh-CN');
});

function mount(onSearch: (q: string, f: string) => void) {
  root = document.createElement('div');
  document.body.append(root);
  const filter = { label: '角色', anyLabel: '全部角色', options: [{ value: 'grid_worker', label: '网格员' }], testid: 'f' };
  act(() => render(<SearchBar label="搜索" placeholder="姓名" testid="s" filter={filter} onSearch={onSearch} />, root as HTMLElement));
  return root;
}

function type(el: HTMLInputElement | HTMLSelectElement, value: string, event: string) {
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe('SearchBar', () => {
  it('sends the trimmed words and the chosen filter, and nothing for "any"', () => {
    const sent: [string, string][] = [];
    const el = mount((q, f) => sent.push([q, f]));
    const submit = el.querySelector('[data-testid=s-submit]') as HTMLButtonElement;
    act(() => submit.click());
    type(el.querySelector('[data-testid=s]') as HTMLInputElement, '  王  ', 'input');
    type(el.querySelector('[data-testid=f]') as HTMLSelectElement, 'grid_worker', 'change');
    act(() => submit.click());
    expect(sent).toEqual([
      ['', ''],
      ['王', 'grid_worker'],
    ]);
    expect(el.querySelector('[role=search] option')?.textContent).toBe('全部角色');
    expect(submit.textContent).toBe('搜索');
  });
});

describe('a removal refused because something names the object', () => {
  it('says so in both languages', () => {
    const inUse = { type: 'https://linli.example.org/problems/in-use', status: 409 } as never;
    expect(problemMessage(409, inUse)).toBe('已有诉求或走访记录用到它，不能删除。');
    setLocale('en');
    expect(problemMessage(409, inUse)).toBe('A case or a visit names it: it cannot be removed.');
  });
});

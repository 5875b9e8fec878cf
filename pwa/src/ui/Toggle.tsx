/** A checkbox drawn as a chip (filters): the whole chip is the 44 px touch target. */
export function Toggle({
  label,
  checked,
  onChange,
  testid,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  testid: string;
}) {
  return (
    <label class={`chip${checked ? ' chip-on' : ''}`}>
      <input type="checkbox" data-testid={testid} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{label}</span>
    </label>
  );
}

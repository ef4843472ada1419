import { useId } from 'react';

/** A compact multi-choice filter: a disclosure with checkboxes; nothing ticked means "any". */
export function MultiSelect<T extends string>({
  label,
  options,
  labels,
  value,
  onChange,
}: {
  label: string;
  options: readonly T[];
  labels: (v: T) => string;
  value: readonly T[];
  onChange: (next: T[]) => void;
}) {
  const id = useId();
  const summary = value.length === 0 ? 'Any' : value.length === 1 ? labels(value[0]!) : `${value.length} chosen`;
  return (
    <details className="multiselect">
      <summary>
        {label}: <strong>{summary}</strong>
      </summary>
      <fieldset className="menu">
        <legend className="sr-only">{label}</legend>
        {options.map((o) => (
          <label key={o} htmlFor={`${id}-${o}`} className="check">
            <input
              id={`${id}-${o}`}
              type="checkbox"
              checked={value.includes(o)}
              onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((v) => v !== o))}
            />
            {labels(o)}
          </label>
        ))}
        {value.length > 0 && (
          <button type="button" className="link" onClick={() => onChange([])}>
            Any {label.toLowerCase()}
          </button>
        )}
      </fieldset>
    </details>
  );
}

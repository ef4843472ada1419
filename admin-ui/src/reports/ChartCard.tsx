import type { ReactNode } from 'react';
import { downloadCsv, toCsv } from '../lib/csv';

export interface TCsvSpec<T> {
  filename: string;
  rows: readonly T[];
  columns: readonly { header: string; value: (row: T) => unknown }[];
}

/** A report card: a title, a CSV download of exactly the figures shown, the chart or table. */
export function ChartCard<T>({
  title,
  csv,
  children,
  wide,
}: {
  title: string;
  csv?: TCsvSpec<T>;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className="card stack" style={wide ? { gridColumn: '1 / -1' } : undefined} aria-label={title}>
      <h2>
        {title}
        {csv && (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Download ${title} as CSV`}
            onClick={() => downloadCsv(csv.filename, toCsv(csv.rows, csv.columns))}
          >
            CSV
          </button>
        )}
      </h2>
      {children}
    </section>
  );
}

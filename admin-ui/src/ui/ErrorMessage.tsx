import { describeError } from '../api/errors';

/** The one way the console shows an error: a message, the field problems, and a retry when given. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const view = describeError(error);
  return (
    <div className="error" role="alert">
      <p className="error-title">{view.title}</p>
      {view.details.length > 1 && (
        <ul>
          {view.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

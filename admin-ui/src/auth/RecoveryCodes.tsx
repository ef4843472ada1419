import { useState } from 'react';

/** Recovery codes are shown once: copy or download them before going on. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = codes.join('\n');
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(`Deskmate recovery codes\n\n${text}\n`)}`;
  return (
    <div className="stack">
      <h2>Save your recovery codes</h2>
      <p>
        Each code signs you in once if you lose your phone. This is the only time they are shown: keep them somewhere
        safe.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="row">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <a className="btn btn-secondary" href={href} download="deskmate-recovery-codes.txt">
          Download
        </a>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}

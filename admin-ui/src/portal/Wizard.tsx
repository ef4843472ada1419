import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ticketPath, wizard } from '@deskmate/shared';
import { formatDateTime } from '../lib/format';
import { Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { AttachmentPicker, pasteFiles, useFileDrop } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { useWizard, type TWizardPrefill } from './useWizard';

type TPrompt = wizard.TWizardPrompt;
type TSend = (input: wizard.TWizardInput) => void;

function ChoiceButtons({ prompt, send, disabled }: { prompt: TPrompt; send: TSend; disabled: boolean }) {
  if (!prompt.choices?.length) return null;
  return (
    <div className="choices">
      {prompt.choices.map((c) => (
        <button
          key={c.value}
          type="button"
          className={`btn ${c.style === 'primary' ? 'btn-primary' : c.style === 'danger' ? 'btn-danger' : 'btn-secondary'}`}
          disabled={disabled}
          onClick={() => send({ type: 'choice', value: c.value, step: prompt.step })}
        >
          {c.label}
        </button>
      ))}
    </div>
  );
}

function TextInput({ prompt, send, disabled }: { prompt: TPrompt; send: TSend; disabled: boolean }) {
  const input = prompt.input!;
  const [text, setText] = useState(input.value ?? '');
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const label = prompt.step === 'title' ? 'Title' : prompt.step === 'details' ? 'Details (optional)' : 'Your problem';
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim() || input.optional) send({ type: 'text', text });
      }}
    >
      <label htmlFor="wizard-text" className="sr-only">
        {label}
      </label>
      {input.kind === 'textarea' ? (
        <textarea
          id="wizard-text"
          ref={ref}
          rows={4}
          maxLength={input.maxLength}
          placeholder={input.placeholder}
          required={!input.optional}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      ) : (
        <input
          id="wizard-text"
          ref={ref}
          maxLength={input.maxLength}
          placeholder={input.placeholder}
          required={!input.optional}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      )}
      <div className="row wrap">
        <button type="submit" className="btn btn-primary" disabled={disabled || (!text.trim() && !input.optional)}>
          Continue
        </button>
        <ChoiceButtons prompt={prompt} send={send} disabled={disabled} />
      </div>
    </form>
  );
}

function ImpactForm({ prompt, send, disabled }: { prompt: TPrompt; send: TSend; disabled: boolean }) {
  const groups = prompt.groups ?? [];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(groups.map((g) => [g.name, g.selected ?? ''])),
  );
  const complete = groups.every((g) => values[g.name]);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (complete) send({ type: 'choices', values: groups.map((g) => values[g.name]!), step: prompt.step });
      }}
    >
      {groups.map((g) => (
        <fieldset key={g.name} className="choice-group">
          <legend>{g.label}</legend>
          <div className="choices">
            {g.choices.map((c) => (
              <label key={c.value} className="check btn btn-secondary">
                <input
                  type="radio"
                  name={g.name}
                  value={c.value}
                  checked={values[g.name] === c.value}
                  onChange={() => setValues((v) => ({ ...v, [g.name]: c.value }))}
                />
                {c.label}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <button type="submit" className="btn btn-primary" disabled={disabled || !complete}>
        Continue
      </button>
    </form>
  );
}

function Summary({ summary }: { summary: wizard.TWizardSummary }) {
  return (
    <div className="summary card">
      <dl>
        <dt>Title</dt>
        <dd>{summary.title}</dd>
        <dt>Description</dt>
        <dd>{summary.description}</dd>
        {summary.details && (
          <>
            <dt>Details</dt>
            <dd>{summary.details}</dd>
          </>
        )}
        <dt>Category</dt>
        <dd>{summary.category.label}</dd>
        <dt>Who is affected</dt>
        <dd>{summary.impact.label}</dd>
        <dt>How blocked</dt>
        <dd>{summary.urgency.label}</dd>
        <dt>Priority</dt>
        <dd>{summary.priority.label}</dd>
      </dl>
    </div>
  );
}

/**
 * The intake wizard rendered for the web: one prompt at a time, the same steps as in chat. With a
 * prefill (a question from the help centre) it starts from that question.
 */
export function Wizard({ prefill }: { prefill?: TWizardPrefill | undefined }) {
  const { session, error, pending, send: sendInput, retry } = useWizard(prefill);
  const headingRef = useRef<HTMLParagraphElement>(null);
  const step = session?.prompt.step;
  // Files for the ticket: chosen at the summary, they go with its Confirm and belong to the ticket.
  const uploads = useUploads();
  const drop = useFileDrop(uploads);
  const atSummary = step === 'summary';
  const send = async (input: wizard.TWizardInput) => {
    const confirming = atSummary && input.type === 'choice' && input.value === wizard.summaryValues.confirm;
    const next = await sendInput(input, confirming ? uploads.ids : []);
    if (confirming && next?.ticketKey) uploads.clear();
  };
  const filesBusy = atSummary && (uploads.uploading || uploads.failed);
  // Move focus to each new question so keyboard and screen-reader users follow the conversation.
  useEffect(() => {
    if (step) headingRef.current?.focus();
  }, [step]);

  if (!session)
    return error ? <ErrorMessage error={error} onRetry={() => void retry()} /> : <Loading label="Starting…" />;
  const prompt = session.prompt;
  const progress = Math.round((prompt.progress.current / prompt.progress.total) * 100);
  return (
    <section
      className={`wizard card${drop.dragging ? ' composer-dragging' : ''}`}
      aria-labelledby="wizard-question"
      aria-busy={pending}
      {...(atSummary ? drop.props : {})}
      onPaste={atSummary ? pasteFiles(uploads) : undefined}
    >
      <div
        className="wizard-progress"
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={prompt.progress.total}
        aria-valuenow={prompt.progress.current}
      >
        <span style={{ width: `${progress}%` }} />
      </div>
      {prompt.notice && (
        <p className="notice" role="status">
          {prompt.notice}
        </p>
      )}
      <p id="wizard-question" className="wizard-prompt" tabIndex={-1} ref={headingRef} data-step={prompt.step}>
        {prompt.text}
      </p>
      {prompt.error && (
        <p className="error" role="alert">
          {prompt.error}
        </p>
      )}
      {prompt.articles && prompt.articles.length > 0 && (
        <ul className="articles">
          {prompt.articles.map((a) => (
            <li key={a.slug} className="card">
              <Link to={`/portal/kb/${a.slug}`} target="_blank" rel="noopener">
                <strong>{a.title}</strong>
              </Link>
              <p className="muted small">{a.snippet}</p>
            </li>
          ))}
        </ul>
      )}
      {prompt.summary && <Summary summary={prompt.summary} />}
      {atSummary && (
        <div className="stack">
          <p className="small">Add screenshots or files if they help (optional).</p>
          <AttachmentPicker uploads={uploads} dragging={drop.dragging} />
        </div>
      )}
      {prompt.ticket && (
        <p>
          <Link to={ticketPath(prompt.ticket.key, false)} className="btn btn-primary">
            View {prompt.ticket.key}
          </Link>{' '}
          <span className="muted small">First response due by {formatDateTime(prompt.ticket.firstResponseDueAt)}</span>
        </p>
      )}
      {prompt.input ? (
        <TextInput
          key={`${session.id}-${session.version}`}
          prompt={prompt}
          send={(i) => void send(i)}
          disabled={pending}
        />
      ) : prompt.groups ? (
        <ImpactForm
          key={`${session.id}-${session.version}`}
          prompt={prompt}
          send={(i) => void send(i)}
          disabled={pending}
        />
      ) : (
        <ChoiceButtons prompt={prompt} send={(i) => void send(i)} disabled={pending || filesBusy} />
      )}
      {error !== null && <ErrorMessage error={error} />}
      <div className="row wrap">
        {prompt.nav.back && (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={pending}
            onClick={() => void send({ type: 'back' })}
          >
            Back
          </button>
        )}
        {prompt.nav.cancel && (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={pending}
            onClick={() => void send({ type: 'cancel' })}
          >
            Cancel
          </button>
        )}
        {prompt.final && (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={pending}
            onClick={() => void send({ type: 'restart' })}
          >
            Ask for something else
          </button>
        )}
        <span className="muted small" style={{ marginLeft: 'auto' }}>
          Step {prompt.progress.current} of {prompt.progress.total}
        </span>
      </div>
    </section>
  );
}

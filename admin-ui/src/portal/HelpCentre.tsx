import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { z } from 'zod';
import { ZTicketCategory, wizard, type TKbSearchHit } from '@deskmate/shared';
import { helpCentre } from '../api/client';
import { useArticleFeedback, useKbArticle, useKbCategories, useKbCategory, useKbSearch } from '../hooks/helpCentre';
import { excerpt } from '../lib/excerpt';
import { Empty, Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Markdown } from '../ui/Markdown';
import type { TWizardPrefill } from './useWizard';

/**
 * The help centre: published articles by category, search, article pages with "Did this help?",
 * and "Still need help?" into the wizard with the question carried over. What it reads and
 * records goes through the same API calls as Slack's and Teams' knowledge-base search.
 */

const ZStillNeedHelp = z.object({ question: z.string().trim().min(1).max(500) });

/** The router state that carries a question from the help centre to the wizard. */
export function stillNeedHelpState(question: string): z.infer<typeof ZStillNeedHelp> {
  return { question };
}

/** The wizard's prefill from the router state, if the help centre sent the person there. */
export function prefillFrom(state: unknown): TWizardPrefill | undefined {
  const parsed = ZStillNeedHelp.safeParse(state);
  return parsed.success ? { text: parsed.data.question, offerArticles: false } : undefined;
}

const articlePath = (slug: string, q?: string) =>
  `/portal/kb/${encodeURIComponent(slug)}${q ? `?${new URLSearchParams({ q })}` : ''}`;

function SearchForm({ initial }: { initial: string }) {
  const navigate = useNavigate();
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const words = q.trim();
    navigate(words ? `/portal/kb?${new URLSearchParams({ q: words })}` : '/portal/kb');
  };
  return (
    <form role="search" className="row wrap help-search" onSubmit={submit}>
      <label htmlFor="kb-search" className="sr-only">
        Search help articles
      </label>
      <input
        id="kb-search"
        type="search"
        value={q}
        maxLength={500}
        placeholder="e.g. vpn keeps disconnecting"
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
}

function Results({ q, items }: { q: string; items: TKbSearchHit[] }) {
  const navigate = useNavigate();
  if (!items.length)
    return (
      <Empty title={`No article matches “${q}”`}>
        <p className="muted">Try other words, browse the categories, or ask IT directly.</p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => navigate('/portal', { state: stillNeedHelpState(q) })}
        >
          Ask IT for help
        </button>
      </Empty>
    );
  return (
    <section aria-labelledby="kb-results" className="stack">
      <h2 id="kb-results">
        {items.length === 1 ? '1 article' : `${items.length} articles`} for “{q}”
      </h2>
      <ul className="articles">
        {items.map((hit) => (
          <li key={hit.slug} className="card">
            <Link to={articlePath(hit.slug, q)}>
              <strong>{hit.title}</strong>
            </Link>
            <p className="muted small">{hit.snippet}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Categories() {
  const categories = useKbCategories();
  if (categories.error) return <ErrorMessage error={categories.error} onRetry={() => void categories.refetch()} />;
  if (!categories.data) return <Loading />;
  return (
    <section aria-labelledby="kb-categories" className="stack">
      <h2 id="kb-categories">Browse by topic</h2>
      <ul className="cards help-categories">
        {categories.data.map((c) => (
          <li key={c.category} className="card">
            <Link to={`/portal/kb/category/${c.category}`}>
              <strong>{wizard.categoryLabels[c.category]}</strong>
            </Link>
            <p className="muted small">{c.articles === 1 ? '1 article' : `${c.articles} articles`}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** /portal/kb: search, or the categories to browse. */
export function HelpCentreHome() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const results = useKbSearch(q);
  return (
    <div className="stack">
      <PageHeader title="Help articles">
        <p className="muted">Answers to common IT questions. Can’t find yours? Ask IT from the Get help page.</p>
      </PageHeader>
      <SearchForm initial={q} />
      {q ? (
        results.error ? (
          <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />
        ) : results.data ? (
          <Results q={q} items={results.data} />
        ) : (
          <Loading label="Searching…" />
        )
      ) : (
        <Categories />
      )}
    </div>
  );
}

/** /portal/kb/category/:category: that topic's articles. */
export function HelpCategory() {
  const parsed = ZTicketCategory.safeParse(useParams().category);
  const category = parsed.success ? parsed.data : 'other';
  const articles = useKbCategory(category);
  const title = wizard.categoryLabels[category];
  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/portal/kb">Help articles</Link>
      </nav>
      <PageHeader title={title} />
      {!parsed.success ? (
        <Empty title="There is no such topic" />
      ) : articles.error ? (
        <ErrorMessage error={articles.error} onRetry={() => void articles.refetch()} />
      ) : !articles.data ? (
        <Loading />
      ) : articles.data.length === 0 ? (
        <Empty title="No articles on this topic yet" />
      ) : (
        <ul className="articles" aria-label={`${title} articles`}>
          {articles.data.map((a) => (
            <li key={a.slug} className="card">
              <Link to={articlePath(a.slug)}>
                <strong>{a.title}</strong>
              </Link>
              <p className="muted small">{excerpt(a.body)}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Feedback({ slug, q }: { slug: string; q: string }) {
  const navigate = useNavigate();
  const feedback = useArticleFeedback(slug, q || undefined);
  const stillNeedHelp = () => navigate('/portal', q ? { state: stillNeedHelpState(q) } : undefined);
  const answered = feedback.isSuccess ? feedback.variables : undefined;
  return (
    <section className="card stack" aria-labelledby="kb-feedback">
      {answered === undefined ? (
        <div className="row wrap">
          <h2 id="kb-feedback" className="feedback-question">
            Did this help?
          </h2>
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={feedback.isPending}
            onClick={() => feedback.mutate(true)}
          >
            Yes
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={feedback.isPending}
            onClick={() => feedback.mutate(false)}
          >
            No
          </button>
        </div>
      ) : answered ? (
        <p id="kb-feedback" role="status">
          Glad it helped. Thanks for telling us!
        </p>
      ) : (
        <div className="stack">
          <p id="kb-feedback" role="status">
            Sorry it didn’t help. Thanks for telling us.
          </p>
          <div>
            <button type="button" className="btn btn-primary" onClick={stillNeedHelp}>
              Still need help? Ask IT
            </button>
          </div>
          {q && <p className="muted small">We’ll start your request with “{q}”, so you don’t have to type it again.</p>}
        </div>
      )}
      <ErrorMessage error={feedback.error} />
      {answered === undefined && (
        <p className="muted small">
          Still need help?{' '}
          <Link to="/portal" state={q ? stillNeedHelpState(q) : undefined}>
            Ask IT
          </Link>
        </p>
      )}
    </section>
  );
}

/** /portal/kb/:slug: the article, "Did this help?" and "Still need help?". */
export function HelpArticle() {
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim().slice(0, 500);
  const article = useKbArticle(slug);
  useEffect(() => {
    helpCentre.view(slug).catch(() => undefined);
  }, [slug]);
  if (article.error) return <ErrorMessage error={article.error} />;
  if (!article.data) return <Loading />;
  const a = article.data;
  return (
    <article className="stack">
      <nav aria-label="Breadcrumb" className="small">
        {q ? (
          <Link to={`/portal/kb?${new URLSearchParams({ q })}`}>Back to results for “{q}”</Link>
        ) : (
          <>
            <Link to="/portal/kb">Help articles</Link> ›{' '}
            <Link to={`/portal/kb/category/${a.category}`}>{wizard.categoryLabels[a.category]}</Link>
          </>
        )}
      </nav>
      <PageHeader title={a.title} />
      <Markdown source={a.body} />
      <Feedback key={slug} slug={slug} q={q} />
    </article>
  );
}

import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { slugify, ticketCategories, type TKbArticle, type TTicketCategory } from '@deskmate/shared';
import { kbApi } from '../api/client';
import { keys } from '../api/keys';
import { categoryLabel, formatDateTime } from '../lib/format';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { Markdown } from '../ui/Markdown';
import { useToast } from '../ui/Toasts';
import { KbImport } from './KbImport';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function Feedback({ article }: { article: TKbArticle }) {
  const votes = article.helpfulYes + article.helpfulNo;
  return (
    <dl className="row wrap small" aria-label="Feedback">
      <div className="stat card">
        <dt>Views</dt>
        <dd className="stat-value">{article.views}</dd>
      </div>
      <div className="stat card">
        <dt>Helpful</dt>
        <dd className="stat-value">{article.helpfulYes}</dd>
      </div>
      <div className="stat card">
        <dt>Not helpful</dt>
        <dd className="stat-value">{article.helpfulNo}</dd>
      </div>
      <div className="stat card">
        <dt>Helpful rate</dt>
        <dd className="stat-value">{votes ? `${Math.round((article.helpfulYes / votes) * 100)}%` : '—'}</dd>
      </div>
    </dl>
  );
}

function Editor({ article, onSaved }: { article: TKbArticle | null; onSaved: (slug: string) => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [title, setTitle] = useState(article?.title ?? '');
  const [slug, setSlug] = useState(article?.slug ?? '');
  const [category, setCategory] = useState<TTicketCategory>(article?.category ?? 'other');
  const [tags, setTags] = useState(article?.tags.join(', ') ?? '');
  const [synonyms, setSynonyms] = useState(article?.synonyms.join(', ') ?? '');
  const [body, setBody] = useState(article?.body ?? '');
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.kb });
  const save = useMutation({
    mutationFn: () => {
      const fields = { title, category, tags: list(tags), synonyms: list(synonyms), body };
      return article
        ? kbApi.update(article.slug, fields)
        : kbApi.create({ ...fields, slug: slug || slugify(title), published: false });
    },
    onSuccess: ({ article: saved }) => {
      void refresh();
      toast(`Saved “${saved.title}”`);
      onSaved(saved.slug);
    },
  });
  const publish = useMutation({
    mutationFn: (on: boolean) => kbApi.publish(article!.slug, on),
    onSuccess: ({ article: saved }) => {
      void refresh();
      toast(saved.published ? 'Published: it is searched and suggested from now on' : 'Unpublished');
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="row spread wrap">
        <h2>{article ? article.title : 'New article'}</h2>
        {article && (
          <div className="row">
            <span className="badge">{article.published ? 'Published' : 'Draft'}</span>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={publish.isPending}
              onClick={() => publish.mutate(!article.published)}
            >
              {article.published ? 'Unpublish' : 'Publish'}
            </button>
          </div>
        )}
      </div>
      {article && <Feedback article={article} />}
      <div className="form-grid">
        <Field label="Title">
          <input required minLength={3} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Slug" hint={article ? 'The address cannot change.' : 'Lower-case words and dashes.'}>
          <input
            value={article ? article.slug : slug}
            placeholder={slugify(title)}
            disabled={!!article}
            onChange={(e) => setSlug(e.target.value)}
          />
        </Field>
        <Field label="Category">
          <select value={category} onChange={(e) => setCategory(e.target.value as TTicketCategory)}>
            {ticketCategories.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tags" hint="Comma separated">
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
        <Field label="Synonyms" hint="Words people use for this problem">
          <input value={synonyms} onChange={(e) => setSynonyms(e.target.value)} />
        </Field>
      </div>
      <div className="editor-panes">
        <Field label="Body (Markdown)">
          <textarea required value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
        <div>
          <p className="field">
            <strong>Preview</strong>
          </p>
          <div className="preview" aria-label="Preview" role="region" tabIndex={0}>
            <Markdown source={body || '_Nothing to preview yet._'} />
          </div>
        </div>
      </div>
      <ErrorMessage error={save.error ?? publish.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          Save
        </button>
        {article && <span className="muted small">Last changed {formatDateTime(article.updatedAt)}</span>}
      </div>
    </form>
  );
}

export function KbAdmin() {
  const articles = useQuery({ queryKey: keys.kb, queryFn: kbApi.list });
  const [selected, setSelected] = useState<string | 'new' | 'import' | null>(null);
  const [filter, setFilter] = useState('');
  const items = useMemo(
    () => (articles.data?.items ?? []).filter((a) => a.title.toLowerCase().includes(filter.toLowerCase())),
    [articles.data, filter],
  );
  const current =
    selected && selected !== 'new' && selected !== 'import'
      ? (articles.data?.items.find((a) => a.slug === selected) ?? null)
      : null;
  return (
    <div className="page stack">
      <PageHeader
        title="Knowledge base"
        actions={
          <div className="row">
            <button type="button" className="btn btn-secondary" onClick={() => setSelected('import')}>
              Import
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setSelected('new')}>
              New article
            </button>
          </div>
        }
      />
      <ErrorMessage error={articles.error} />
      {!articles.data ? (
        <Loading />
      ) : (
        <div className="split">
          <div className="stack">
            <label className="sr-only" htmlFor="kb-filter">
              Filter articles
            </label>
            <input
              id="kb-filter"
              type="search"
              placeholder="Filter articles"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            <ul className="list-nav" aria-label="Articles">
              {items.map((a) => (
                <li key={a.slug}>
                  <button
                    type="button"
                    aria-current={a.slug === selected ? 'true' : undefined}
                    onClick={() => setSelected(a.slug)}
                  >
                    {a.title}
                    <span className="muted small"> · {a.published ? `${a.views} views` : 'draft'}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div>
            {selected === 'import' ? (
              <KbImport />
            ) : selected === 'new' ? (
              <Editor key="new" article={null} onSaved={setSelected} />
            ) : current ? (
              <Editor key={current.slug + current.updatedAt} article={current} onSaved={setSelected} />
            ) : (
              <p className="muted">Choose an article to edit, or write a new one.</p>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

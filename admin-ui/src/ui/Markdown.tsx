import ReactMarkdown from 'react-markdown';

/** Markdown as safe React elements: raw HTML in the source is not rendered. */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml>{source}</ReactMarkdown>
    </div>
  );
}

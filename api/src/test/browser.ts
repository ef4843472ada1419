/**
 * A small browser for HTTP tests of redirect flows (single sign-on): one cookie jar for every
 * loopback port (browsers do not tell cookies apart by port), redirects followed one at a time,
 * and HTML forms posted the way a browser posts them.
 */
export interface Page {
  status: number;
  url: string;
  location: string | null;
  headers: Headers;
  text: string;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly accept = 'text/html,application/xhtml+xml') {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\b/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    url: string,
    init: { method?: string; body?: string; accept?: string; origin?: string } = {},
  ): Promise<Page> {
    const headers: Record<string, string> = { accept: init.accept ?? this.accept };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (init.origin) headers.origin = init.origin;
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    this.remember(res.headers);
    const location = res.headers.get('location');
    return {
      status: res.status,
      url,
      location: location ? new URL(location, url).href : null,
      headers: res.headers,
      text: await res.text(),
    };
  }

  /** Follow redirects from `url` until a page that is not a redirect, or one `stop` says to stop before. */
  async follow(
    url: string,
    stop: (next: string) => boolean = () => false,
    init: Parameters<TestBrowser['request']>[1] = {},
  ): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; page.location && hops < 20; hops++) {
      if (stop(page.location)) return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** Post the page's first form with its inputs (text given by `fields`; checkboxes only when set). */
  async submit(page: Page, fields: Record<string, string>, stop?: (next: string) => boolean): Promise<Page> {
    const form = /<form[^>]*action="([^"]+)"[^>]*>/i.exec(page.text);
    if (!form) throw new Error(`no form on ${page.url}:\n${page.text.slice(0, 500)}`);
    const action = new URL(form[1]!, page.url).href;
    const body = new URLSearchParams(fields).toString();
    return this.follow(action, stop, { method: 'POST', body, origin: new URL(page.url).origin });
  }
}

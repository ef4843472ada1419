import { describe, expect, it } from 'vitest';
import { articleUrl, ticketPath, ticketUrl } from './links.js';

describe('links into the web app', () => {
  it('a requester opens a ticket in the portal, an agent in the console', () => {
    expect(ticketPath('IT-1042', false)).toBe('/portal/tickets/IT-1042');
    expect(ticketPath('IT-1042', true)).toBe('/tickets/IT-1042');
  });

  it('joins a base URL with or without a trailing slash, and encodes what it is given', () => {
    expect(ticketUrl('https://desk.example.com/', 'IT-7', false)).toBe('https://desk.example.com/portal/tickets/IT-7');
    expect(ticketUrl('http://127.0.0.1:3000', 'IT-7', true)).toBe('http://127.0.0.1:3000/tickets/IT-7');
    expect(articleUrl('https://desk.example.com', 'vpn & wifi')).toBe(
      'https://desk.example.com/portal/kb/vpn%20%26%20wifi',
    );
  });
});

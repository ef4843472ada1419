import { describe, expect, it } from 'vitest';
import { helpRequest, KB_QUERY_MAX } from './kb-client.js';

describe('helpRequest', () => {
  it('takes the words after "help", tidied; "help" alone is an empty request', () => {
    expect(helpRequest('help  vpn keeps\n dropping ')).toBe('vpn keeps dropping');
    expect(helpRequest('Help: printer jam')).toBe('printer jam');
    expect(helpRequest('HELP')).toBe('');
    expect(helpRequest('help '.padEnd(900, 'x'))?.length).toBe(KB_QUERY_MAX);
  });

  it('is not a help request when the text does not start with the word help', () => {
    expect(helpRequest('helpful article please')).toBeNull();
    expect(helpRequest('I need help with vpn')).toBeNull();
    expect(helpRequest('helpdesk phone number')).toBeNull();
  });
});

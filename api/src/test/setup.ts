import nock from 'nock';
import { afterAll } from 'vitest';
import { refuseNestedConnections } from '../db/client.js';
import { checkAnswersAgainstSchemas } from '../http/route.js';

// No real network in tests: third-party HTTP is answered by nock or a local server.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

// A transaction never takes a second pooled connection: in tests, asking for one throws.
refuseNestedConnections();

// Every answer fits its endpoint's response schema (the typed client parses it with the same one).
checkAnswersAgainstSchemas();

afterAll(() => {
  nock.cleanAll();
});

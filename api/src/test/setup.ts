import nock from 'nock';
import { afterAll } from 'vitest';

// No real network in tests: third-party HTTP is answered by nock or a local server.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

afterAll(() => {
  nock.cleanAll();
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '@deskmate/shared';
import { describeError, isStatus } from './errors';

describe('the one error display', () => {
  it('shows the API message and the field problems of a validation error', () => {
    const err = new ApiError(400, 'validation_failed', 'Invalid body.title: must be at least 3 characters', [
      { path: 'body.title', message: 'must be at least 3 characters' },
      { path: 'body.description', message: 'is required' },
    ]);
    expect(describeError(err)).toEqual({
      title: 'Invalid body.title: must be at least 3 characters',
      details: ['title: must be at least 3 characters', 'description: is required'],
      status: 400,
    });
    expect(isStatus(err, 400)).toBe(true);
  });

  it('says the network is down rather than showing a TypeError', () => {
    expect(describeError(new TypeError('Failed to fetch')).title).toMatch(/Cannot reach Deskmate/);
  });

  it('turns a contract mismatch into a plain sentence', () => {
    const err = Object.assign(new Error('[…]'), { name: 'ZodError' });
    expect(describeError(err).title).toMatch(/unexpected shape/);
  });
});

import { describe, expect, it } from 'vitest';
import { clearDrafts, draftKey, draftsOf } from './drafts';

/** The Web Storage interface over a Map, as localStorage behaves. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  };
}

describe('reply and note drafts', () => {
  it('are kept per person, ticket and kind', () => {
    const keys = new Set([
      draftKey('u1', 'IT-1', 'reply'),
      draftKey('u1', 'IT-1', 'note'),
      draftKey('u1', 'IT-2', 'reply'),
      draftKey('u2', 'IT-1', 'reply'),
    ]);
    expect(keys.size).toBe(4);
  });

  it('signing out clears that person’s drafts and nobody else’s', () => {
    const storage = memoryStorage();
    storage.setItem(draftKey('u1', 'IT-1', 'reply'), 'Hello Alice');
    storage.setItem(draftKey('u1', 'IT-2', 'note'), 'Checked the switch');
    storage.setItem(draftKey('u1', 'IT-3', 'reply'), '   ');
    storage.setItem(draftKey('u2', 'IT-1', 'reply'), 'Someone else’s words');
    storage.setItem('deskmate:theme', 'dark');
    expect(draftsOf(storage, 'u1').sort()).toEqual([draftKey('u1', 'IT-1', 'reply'), draftKey('u1', 'IT-2', 'note')]);

    expect(clearDrafts(storage, 'u1')).toBe(2);
    expect(draftsOf(storage, 'u1')).toEqual([]);
    expect(storage.getItem(draftKey('u1', 'IT-3', 'reply'))).toBeNull();
    expect(storage.getItem(draftKey('u2', 'IT-1', 'reply'))).toBe('Someone else’s words');
    expect(storage.getItem('deskmate:theme')).toBe('dark');
  });

  it('a storage that throws (private mode) counts and clears nothing, without failing', () => {
    const broken = {
      get length(): number {
        throw new Error('SecurityError');
      },
      key: () => null,
      getItem: () => null,
      removeItem: () => undefined,
    };
    expect(draftsOf(broken, 'u1')).toEqual([]);
    expect(clearDrafts(broken, 'u1')).toBe(0);
  });
});

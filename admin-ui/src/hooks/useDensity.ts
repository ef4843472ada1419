import { useCallback } from 'react';
import { densityStorageKey, parseDensity, type TDensity } from '../lib/density';
import { useLocalStorage } from './useLocalStorage';

/** The queue's density for this person (kept in this browser). */
export function useDensity(userId: string): [TDensity, (density: TDensity) => void] {
  const [stored, setStored] = useLocalStorage(densityStorageKey(userId));
  const set = useCallback((d: TDensity) => setStored(d === 'comfortable' ? null : d), [setStored]);
  return [parseDensity(stored), set];
}

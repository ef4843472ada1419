import { useCallback, useEffect } from 'react';
import { useLocalStorage } from './useLocalStorage';

export type TTheme = 'light' | 'dark' | 'system';

/** Light, dark or the system's choice; applied as `data-theme` on <html> (see public/theme.js). */
export function useTheme(): [TTheme, (theme: TTheme) => void] {
  const [stored, setStored] = useLocalStorage('deskmate:theme');
  const theme: TTheme = stored === 'light' || stored === 'dark' ? stored : 'system';
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  const set = useCallback((t: TTheme) => setStored(t === 'system' ? null : t), [setStored]);
  return [theme, set];
}

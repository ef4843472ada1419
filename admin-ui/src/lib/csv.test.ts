import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe('-3');
  });

  it('writes a header and one CRLF line per row, objects as JSON', () => {
    const csv = toCsv(
      [
        { n: 1, o: { a: 1 } },
        { n: null, o: null },
      ],
      [
        { header: 'n', value: (r) => r.n },
        { header: 'o', value: (r) => r.o },
      ],
    );
    expect(csv).toBe('n,o\r\n1,"{""a"":1}"\r\n,\r\n');
  });
});

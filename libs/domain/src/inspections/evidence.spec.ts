import { HazardError, HazardErrorCode } from './hazard-error';
import { checkEvidence, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, sniffEvidenceType, type EvidenceUpload } from './evidence';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const WEBP = Uint8Array.from(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'));
const PDF = Uint8Array.from(Buffer.from('%PDF-1.7\n', 'latin1'));

function file(data: Uint8Array, contentType: string, name = 'f'): EvidenceUpload {
  return { name, contentType, data };
}

function refusal(files: EvidenceUpload[]): HazardErrorCode | null {
  try {
    checkEvidence(files);
    return null;
  } catch (e) {
    if (e instanceof HazardError) return e.code;
    throw e;
  }
}

describe('sniffEvidenceType', () => {
  it.each<[string, Uint8Array, string | null]>([
    ['png', PNG, 'image/png'],
    ['jpeg', JPEG, 'image/jpeg'],
    ['webp', WEBP, 'image/webp'],
    ['pdf', PDF, 'application/pdf'],
    ['RIFF that is not WebP (a WAV)', Uint8Array.from(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), null],
    ['a truncated PNG signature', PNG.slice(0, 4), null],
    ['html', Uint8Array.from(Buffer.from('<html><script>', 'latin1')), null],
    ['svg', Uint8Array.from(Buffer.from('<svg xmlns=', 'latin1')), null],
    ['nothing', new Uint8Array(0), null],
  ])('%s: %s', (_, data, type) => {
    expect(sniffEvidenceType(data)).toBe(type);
  });
});

describe('checkEvidence', () => {
  it('takes each allowed type declared as it is, the declared type read without its parameters and case', () => {
    expect(
      checkEvidence([file(PNG, 'image/png'), file(JPEG, 'IMAGE/JPEG'), file(WEBP, 'image/webp'), file(PDF, 'application/pdf; x=1')]).map(
        (f) => f.contentType,
      ),
    ).toEqual(['image/png', 'image/jpeg', 'image/webp', 'application/pdf']);
    expect(checkEvidence([])).toEqual([]);
  });

  it.each<[string, EvidenceUpload[], HazardErrorCode]>([
    ['a PNG declared as a JPEG', [file(PNG, 'image/jpeg')], HazardErrorCode.EvidenceTypeRefused],
    ['HTML declared as a PNG', [file(Uint8Array.from(Buffer.from('<html>')), 'image/png')], HazardErrorCode.EvidenceTypeRefused],
    ['a GIF', [file(Uint8Array.from(Buffer.from('GIF89a')), 'image/gif')], HazardErrorCode.EvidenceTypeRefused],
    ['an empty file', [file(new Uint8Array(0), 'image/png')], HazardErrorCode.EvidenceTypeRefused],
    [
      'one byte over the size limit',
      [file(Uint8Array.from([...PNG, ...new Uint8Array(MAX_EVIDENCE_BYTES - PNG.length + 1)]), 'image/png')],
      HazardErrorCode.EvidenceTooLarge,
    ],
    [
      'one file too many',
      Array.from({ length: MAX_EVIDENCE_FILES + 1 }, () => file(PNG, 'image/png')),
      HazardErrorCode.TooManyEvidenceFiles,
    ],
    ['a good file beside a bad one', [file(PNG, 'image/png'), file(PDF, 'image/png')], HazardErrorCode.EvidenceTypeRefused],
  ])('refuses %s', (_, files, code) => {
    expect(refusal(files)).toBe(code);
  });

  it('takes a file of exactly the size limit', () => {
    const data = Uint8Array.from([...PNG, ...new Uint8Array(MAX_EVIDENCE_BYTES - PNG.length)]);
    expect(checkEvidence([file(data, 'image/png')])).toHaveLength(1);
  });
});

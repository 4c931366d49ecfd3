import { HazardError, HazardErrorCode } from './hazard-error';

/** What evidence may be: photos and scanned documents, nothing a browser would run. */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** A phone photo fits; a video does not belong here. */
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_FILES = 4;

export interface EvidenceUpload {
  name: string;
  contentType: string;
  data: Uint8Array;
}

function startsWith(data: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The type the bytes themselves say, whatever the sender declared; null when none of the allowed types. */
export function sniffEvidenceType(data: Uint8Array): EvidenceType | null {
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(data, ascii('%PDF-'))) return 'application/pdf';
  return null;
}

/**
 * Refuses the whole request when one file is empty or too large, is not a JPEG, PNG, WebP or PDF by its bytes, or
 * says it is another type than its bytes are; answers the files with their type as sniffed.
 */
export function checkEvidence<F extends EvidenceUpload>(files: readonly F[]): Array<F & { contentType: EvidenceType }> {
  if (files.length > MAX_EVIDENCE_FILES)
    throw new HazardError(HazardErrorCode.TooManyEvidenceFiles, `at most ${MAX_EVIDENCE_FILES} evidence files a request`);
  return files.map((f) => {
    if (f.data.length > MAX_EVIDENCE_BYTES)
      throw new HazardError(HazardErrorCode.EvidenceTooLarge, `${f.name}: ${f.data.length} bytes, at most ${MAX_EVIDENCE_BYTES}`);
    const sniffed = sniffEvidenceType(f.data);
    if (!sniffed)
      throw new HazardError(HazardErrorCode.EvidenceTypeRefused, `${f.name}: not a JPEG, PNG, WebP image or PDF by its content`);
    if (sniffed !== f.contentType.toLowerCase().split(';')[0].trim())
      throw new HazardError(HazardErrorCode.EvidenceTypeRefused, `${f.name}: declared ${f.contentType} but its content is ${sniffed}`);
    return { ...f, contentType: sniffed };
  });
}

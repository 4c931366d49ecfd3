import type { EvidenceFile, HazardActor } from '@app/storage';

/** Who acts, under which correlation id: the actor is the acting token, as the audit records it. */
export interface HazardCommand {
  actor: HazardActor;
  correlationId: string;
}

/** Evidence as it came in the body, not yet checked. */
export interface EvidenceInput {
  name: string;
  contentType: string;
  dataBase64: string;
}

export function decodeEvidence(files: readonly EvidenceInput[]): EvidenceFile[] {
  return files.map((f) => ({ name: f.name, contentType: f.contentType, data: Buffer.from(f.dataBase64, 'base64') }));
}

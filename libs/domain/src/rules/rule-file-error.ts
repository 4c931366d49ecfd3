/** A rule file that cannot be used; the message names the device type, the rule and the field at fault. */
export class RuleFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleFileError';
  }
}

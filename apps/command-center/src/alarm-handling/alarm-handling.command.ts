/** Who acts on which alarm: `by` is the acting token's name, as the audit records its actor. */
export interface AlarmHandlingCommand {
  alarmId: string;
  by: string;
  correlationId: string;
}

/** The few command-center calls a simulator needs: reads for a scenario's expectations, device credentials. */
export class CommandCenterClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async get<T>(path: string): Promise<T> {
    const res = await fetch(this.baseUrl.replace(/\/$/, '') + path, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }

  /** A new MQTT secret for the device (operator token); its current one stops working. */
  async issueDeviceCredentials(deviceId: string): Promise<{ deviceId: string; username: string; password: string }> {
    const path = `/api/devices/${encodeURIComponent(deviceId)}/credentials`;
    const res = await fetch(this.baseUrl.replace(/\/$/, '') + path, { method: 'POST', headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as { deviceId: string; username: string; password: string };
  }

  openAlarms(enterpriseId: string): Promise<Array<{ ruleId: string; grade: string; deviceId: string }>> {
    return this.get(`/api/alarms?status=open&limit=1000&enterpriseId=${encodeURIComponent(enterpriseId)}`);
  }

  openIncidents(enterpriseId: string): Promise<Array<{ id: string }>> {
    return this.get(`/api/incidents?status=open&limit=1000&enterpriseId=${encodeURIComponent(enterpriseId)}`);
  }

  async enterpriseGrade(enterpriseId: string): Promise<string | null> {
    return (await this.get<{ grade: string | null }>(`/api/enterprises/${encodeURIComponent(enterpriseId)}`)).grade;
  }

  async deadLettersByReason(): Promise<Record<string, number>> {
    const { byReason } = await this.get<{ byReason: Record<string, number | string> }>('/api/dead-letters/stats');
    // PostgreSQL counts are bigints, which arrive as strings.
    return Object.fromEntries(Object.entries(byReason).map(([reason, n]) => [reason, Number(n)]));
  }
}

export interface RecordedEvent {
  type: string;
  id?: string;
  data: any;
  /** Wall-clock ms (performance.timeOrigin + now) when the event was read. */
  receivedAt?: number;
}

/** Reads a server-sent-events stream over fetch and keeps every event it receives. */
export class SseRecorder {
  readonly events: RecordedEvent[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  async open(url: string, headers: Record<string, string> = {}): Promise<void> {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.controller.signal });
    if (!res.ok || !res.body) throw new Error(`stream refused: ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            this.parse(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }

  ofType(type: string): RecordedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }

  private parse(block: string): void {
    const event: RecordedEvent = { type: 'message', data: '', receivedAt: performance.timeOrigin + performance.now() };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event.type = line.slice(7);
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    try {
      event.data = JSON.parse(data.join('\n'));
    } catch {
      event.data = data.join('\n');
    }
    this.events.push(event);
  }
}

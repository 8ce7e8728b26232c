/** A progress stream that records what is written, and a clock the test moves. */
export class FakeStream {
  chunks: string[] = [];
  constructor(
    public isTTY = false,
    public columns = 80,
    public rows?: number,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  text(): string {
    return this.chunks.join("");
  }
}

export class FakeClock {
  // 2026-01-01 12:00:00 local time, so HH:MM:SS reads the same in every time zone
  t = new Date(2026, 0, 1, 12, 0, 0).getTime();
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * A live chart of bytes per second from HTTP and from peers (stacked), with upload as a line: drawn on
 * a canvas every second from the engine's byte events. Readable at a glance: green is what peers saved
 * the origin, orange is what the origin still served.
 */
export const CHART_COLORS = { http: '#f08c00', p2p: '#2f9e44', upload: '#1c7ed6' } as const;

interface Second {
  httpBytes: number;
  p2pBytes: number;
  uploadBytes: number;
}

export class BytesChart {
  private readonly canvas: HTMLCanvasElement;
  private readonly seconds: Second[] = [];
  private current: Second = { httpBytes: 0, p2pBytes: 0, uploadBytes: 0 };
  private readonly windowSec: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(canvas: HTMLCanvasElement, windowSec = 90) {
    this.canvas = canvas;
    this.windowSec = windowSec;
  }

  add(kind: keyof Second, bytes: number): void {
    this.current[kind] += bytes;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.seconds.push(this.current);
      this.current = { httpBytes: 0, p2pBytes: 0, uploadBytes: 0 };
      if (this.seconds.length > this.windowSec) this.seconds.shift();
      this.draw();
    }, 1000);
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private draw(): void {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    const left = 56;
    const bottom = height - 22;
    const top = 10;
    const peak = Math.max(1, ...this.seconds.map((s) => Math.max(s.httpBytes + s.p2pBytes, s.uploadBytes)));
    const scale = niceCeiling(peak);
    const barWidth = (width - left - 8) / this.windowSec;
    const y = (bytes: number): number => bottom - ((bottom - top) * bytes) / scale;
    // Grid and axis labels in kB/s.
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#868e96';
    g.strokeStyle = '#e9ecef';
    for (let i = 0; i <= 4; i++) {
      const value = (scale * i) / 4;
      g.beginPath();
      g.moveTo(left, y(value));
      g.lineTo(width - 8, y(value));
      g.stroke();
      g.fillText(`${Math.round(value / 1000)} kB/s`, 2, y(value) + 4);
    }
    g.fillText(`last ${this.windowSec} s`, width - 70, height - 6);
    const offset = this.windowSec - this.seconds.length;
    this.seconds.forEach((second, i) => {
      const x = left + (offset + i) * barWidth;
      g.fillStyle = CHART_COLORS.http;
      g.fillRect(x, y(second.httpBytes), Math.max(1, barWidth - 1), bottom - y(second.httpBytes));
      g.fillStyle = CHART_COLORS.p2p;
      g.fillRect(x, y(second.httpBytes + second.p2pBytes), Math.max(1, barWidth - 1), y(second.httpBytes) - y(second.httpBytes + second.p2pBytes));
    });
    g.strokeStyle = CHART_COLORS.upload;
    g.lineWidth = 2;
    g.beginPath();
    this.seconds.forEach((second, i) => {
      const x = left + (offset + i + 0.5) * barWidth;
      if (i === 0) g.moveTo(x, y(second.uploadBytes));
      else g.lineTo(x, y(second.uploadBytes));
    });
    g.stroke();
    g.lineWidth = 1;
  }
}

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

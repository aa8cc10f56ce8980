/** Progress lines on stderr, so stdout stays clean for machine-readable output. */
export interface Progress {
  step(message: string): void;
  /** Milliseconds since the progress started. */
  elapsed(): number;
}

export function createProgress(enabled = true, stream: NodeJS.WritableStream = process.stderr): Progress {
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  return {
    step(message) {
      if (enabled) stream.write(`[${(elapsed() / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
    },
    elapsed,
  };
}

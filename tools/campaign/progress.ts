/** Where the commands report: a progress bar on a terminal, one plain line per step otherwise (a log, CI). */
export interface Progress {
  /** One item done; `line` says what happened to it. */
  step(line: string): void;
  /** Something worth keeping on screen, above the bar. */
  note(line: string): void;
  finish(): void;
}

const BAR_WIDTH = 30;

export function progress(total: number, label: string, stream: NodeJS.WriteStream = process.stdout): Progress {
  let done = 0;
  const width = String(total).length;
  if (!stream.isTTY) {
    return {
      step(line) {
        done += 1;
        stream.write(`[${String(done).padStart(width)}/${total}] ${line}\n`);
      },
      note: (line) => stream.write(`${line}\n`),
      finish: () => undefined,
    };
  }
  const draw = () => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    stream.write(
      `\r\x1b[2K[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(done).padStart(width)}/${total} ${label}`,
    );
  };
  draw();
  return {
    step() {
      done += 1;
      draw();
    },
    note(line) {
      stream.write(`\r\x1b[2K${line}\n`);
      draw();
    },
    finish: () => stream.write('\n'),
  };
}

/** `83.4` → `1:23.4`: a stream time in seconds as minutes and seconds. */
export function clock(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec - 60 * m;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

/**
 * The captions area: the open utterance's partial (stable words normal, unstable words dimmed) under the
 * finals so far, each with its start and end time.
 */
export class CaptionsView {
  private readonly stable: HTMLElement;
  private readonly unstable: HTMLElement;

  constructor(
    private readonly finals: HTMLOListElement,
    private readonly partial: HTMLElement,
    private readonly placeholder: HTMLElement,
  ) {
    this.stable = partial.querySelector('.stable') as HTMLElement;
    this.unstable = partial.querySelector('.unstable') as HTMLElement;
  }

  showPartial(stableText: string, unstableText: string): void {
    this.placeholder.hidden = true;
    this.stable.textContent = stableText;
    this.unstable.textContent = unstableText;
  }

  addFinal(startSec: number, endSec: number, text: string): void {
    this.placeholder.hidden = true;
    this.showPartial('', '');
    if (!text) return;
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = `${clock(startSec)}–${clock(endSec)}`;
    time.dateTime = `PT${startSec.toFixed(2)}S`;
    item.append(time, document.createTextNode(text));
    this.finals.append(item);
    item.scrollIntoView({ block: 'nearest' });
  }

  clear(): void {
    this.finals.replaceChildren();
    this.showPartial('', '');
  }
}

/**
 * The parts of Paged.js 0.4.3 the runtime uses. Paged.js is loaded before the runtime as its own script
 * (paged.polyfill.js, which lays the document out once it is ready), so the runtime takes it from `window`.
 */

/** A laid-out page as the chunker keeps it. */
export interface PagedPage {
  element: HTMLElement;
  removeListeners(): void;
}

export interface Chunker {
  pages: PagedPage[];
  /** The queue the chunker lays pages out through, one tick per page. */
  q?: { tick(callback: () => void): void };
  /** The document being laid out, as parsed, with every element's `data-ref`: what is not laid out yet is only here. */
  source?: Element;
}

/** What a handler is made with; a handler's methods named after a hook (`afterPageLayout`, …) are called by it. */
export interface Handler {
  chunker: Chunker;
}

export type HandlerClass = new (chunker: Chunker, polisher: unknown, caller: unknown) => Handler;

export interface PagedNamespace {
  Handler: HandlerClass;
  registeredHandlers: HandlerClass[];
  registerHandlers(...handlers: HandlerClass[]): void;
}

/** `window.PagedConfig`: read by the polyfill when it loads; `before` and `after` when the document is ready. */
export interface PagedConfig {
  auto?: boolean;
  settings?: Record<string, unknown>;
  before?: () => Promise<void> | void;
  after?: (flow: unknown) => Promise<void> | void;
}

declare global {
  interface Window {
    Paged: PagedNamespace;
    PagedConfig: PagedConfig;
  }
}

/** Paged.js's handler base class, for the runtime's handlers to extend. */
export function pagedHandler(): HandlerClass {
  if (!window.Paged) throw new Error('Paged.js must be loaded before the book runtime');
  return window.Paged.Handler;
}

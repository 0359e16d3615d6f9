import type { Method, RequestMessage, Requests, StepError } from "../../src/protocol";
import type { WidgetModel } from "../../src/model";

type Handler = (...args: any[]) => void;

/** What a fake kernel answers: a result (with buffers), or a structured error. */
export type Answer<M extends Method = Method> =
  | { result: Requests[M]["result"]; buffers?: DataView[] }
  | { error: StepError };

export type Answerer = (method: Method, params: any) => Answer | Promise<Answer>;

/**
 * An anywidget model in memory: traits with change events, and a kernel that answers each
 * request on a later tick, the way the real comm does.
 */
export class FakeModel implements WidgetModel {
  readonly requests: RequestMessage[] = [];
  private handlers = new Map<string, Set<Handler>>();

  constructor(
    private traits: Record<string, unknown>,
    public answer: Answerer = () => ({ result: {} as never }),
  ) {}

  get(name: string): unknown {
    return this.traits[name];
  }

  set(name: string, value: unknown): void {
    this.traits[name] = value;
    this.emit(`change:${name}`);
  }

  on(event: string, handler: Handler): void {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
  }

  off(event?: string | null, handler?: Handler | null): void {
    if (!event) {
      this.handlers.clear();
      return;
    }
    if (!handler) this.handlers.delete(event);
    else this.handlers.get(event)?.delete(handler);
  }

  listeners(event: string): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  send(content: unknown): void {
    const request = content as RequestMessage;
    this.requests.push(request);
    Promise.resolve()
      .then(() => this.answer(request.method, request.params))
      .then((answer) => {
        if ("error" in answer) {
          this.emit("msg:custom", { kind: "response", id: request.id, ok: false, error: answer.error }, []);
        } else {
          this.emit("msg:custom", { kind: "response", id: request.id, ok: true, result: answer.result }, answer.buffers ?? []);
        }
      });
  }

  /** Requests of one method, in the order they were sent. */
  sent<M extends Method>(method: M): Requests[M]["params"][] {
    return this.requests.filter((r) => r.method === method).map((r) => r.params as Requests[M]["params"]);
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
  }
}

/** Request/response over anywidget custom messages: one id per request, one response per id. */
import type { Method, Requests, ResponseMessage, StepError } from "./protocol";

export interface Reply<M extends Method> {
  result: Requests[M]["result"];
  /** Binary payloads (an Arrow IPC stream for `window`). */
  buffers: DataView[];
}

export interface Rpc {
  call<M extends Method>(method: M, params: Requests[M]["params"]): Promise<Reply<M>>;
}

/** The error a failed request rejects with: the kernel's structured error. */
export class RequestError extends Error {
  constructor(readonly detail: StepError) {
    super(detail.message);
  }
}

/** The slice of the anywidget model this module needs. */
export interface MessageChannel {
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): void;
  on(event: "msg:custom", handler: (content: unknown, buffers: DataView[]) => void): void;
  off(event: "msg:custom", handler?: (content: unknown, buffers: DataView[]) => void): void;
}

export function createRpc(channel: MessageChannel): Rpc & { dispose(): void } {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Reply<Method>) => void; reject: (e: Error) => void }>();

  const onMessage = (content: unknown, buffers: DataView[]) => {
    const message = content as ResponseMessage;
    if (!message || message.kind !== "response") return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve({ result: message.result, buffers: buffers ?? [] });
    else waiter.reject(new RequestError(message.error));
  };
  channel.on("msg:custom", onMessage);

  return {
    call<M extends Method>(method: M, params: Requests[M]["params"]): Promise<Reply<M>> {
      const id = nextId++;
      return new Promise<Reply<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: Reply<Method>) => void, reject });
        channel.send({ kind: "request", id, method, params });
      });
    },
    dispose() {
      channel.off("msg:custom", onMessage);
      for (const waiter of pending.values()) waiter.reject(new Error("the widget was closed"));
      pending.clear();
    },
  };
}

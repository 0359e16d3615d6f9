import { createRpc, RequestError, type MessageChannel } from "../src/rpc";

type Handler = (content: unknown, buffers: DataView[]) => void;

function fakeChannel() {
  const sent: any[] = [];
  let handler: Handler | null = null;
  const channel: MessageChannel = {
    send: (content) => sent.push(content),
    on: (_event, h) => {
      handler = h;
    },
    off: () => {
      handler = null;
    },
  };
  const reply = (content: unknown, buffers: DataView[] = []) => handler?.(content, buffers);
  return { channel, sent, reply, listening: () => handler !== null };
}

describe("rpc client", () => {
  it("sends each request with a fresh id and resolves it with the matching response", async () => {
    const { channel, sent, reply } = fakeChannel();
    const rpc = createRpc(channel);
    const first = rpc.call("profile", { column: "a" });
    const second = rpc.call("window", { start: 0, stop: 10 });
    expect(sent).toEqual([
      { kind: "request", id: 1, method: "profile", params: { column: "a" } },
      { kind: "request", id: 2, method: "window", params: { start: 0, stop: 10 } },
    ]);
    const buffer = new DataView(new ArrayBuffer(4));
    reply({ kind: "response", id: 2, ok: true, result: { start: 0, stop: 10, revision: 1 } }, [buffer]);
    reply({ kind: "response", id: 1, ok: true, result: { count: 3 } });
    await expect(second).resolves.toEqual({ result: { start: 0, stop: 10, revision: 1 }, buffers: [buffer] });
    await expect(first).resolves.toEqual({ result: { count: 3 }, buffers: [] });
  });

  it("rejects with the kernel's structured error", async () => {
    const { channel, reply } = fakeChannel();
    const rpc = createRpc(channel);
    const call = rpc.call("profile", { column: "nope" });
    const error = { message: "no column nope", parameter: "column", column: "nope", suggestion: "note" };
    reply({ kind: "response", id: 1, ok: false, error });
    await expect(call).rejects.toBeInstanceOf(RequestError);
    await expect(call).rejects.toMatchObject({ message: "no column nope", detail: error });
  });

  it("ignores messages that are not responses to its requests", async () => {
    const { channel, reply } = fakeChannel();
    const rpc = createRpc(channel);
    const call = rpc.call("undo", {});
    reply({ kind: "something-else", id: 1 });
    reply({ kind: "response", id: 99, ok: true, result: {} });
    reply(null);
    reply({ kind: "response", id: 1, ok: true, result: { steps: [] } });
    await expect(call).resolves.toMatchObject({ result: { steps: [] } });
  });

  it("stops listening and fails what is still pending when disposed", async () => {
    const { channel, listening } = fakeChannel();
    const rpc = createRpc(channel);
    const call = rpc.call("undo", {});
    rpc.dispose();
    expect(listening()).toBe(false);
    await expect(call).rejects.toThrow("the widget was closed");
  });
});
